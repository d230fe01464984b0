import { VioletWebhookError, violetWebhooks, type VioletWebhooks } from '../../lib';
import { Dispatcher } from '../../lib/receive/dispatch';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';

describe.each(EXPRESS_VERSIONS)('listeners and the middleware (%s)', (_name, express) => {
  test("a function listener's `this` is the middleware, and this.on() there is seen by the next delivery", async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const app = appWith(express, violet);
    const seen: unknown[] = [];
    let later = 0;
    violet.once('ORDER_SHIPPED', function (this: VioletWebhooks) {
      seen.push(this);
      this.on('ORDER_SHIPPED', () => void (later += 1));
    });
    violet.on('error', function (this: VioletWebhooks) {
      seen.push(this);
    });
    const send = (d: ReturnType<typeof delivery>) => deliver(app, d);
    await send(delivery('ORDER_SHIPPED')).expect(200);
    await send(delivery('ORDER_SHIPPED')).expect(200);
    await send(delivery('ORDER_SHIPPED', { secret: 'wrong' })).expect(401);
    expect(seen).toEqual([violet, violet]);
    expect(seen[0]).toBe(violet);
    expect(later).toBe(1);
  });
});

test('reading listeners, or emitting, leaves the copied listener lists alone; changing them does not', () => {
  const violet = violetWebhooks({ secret: SECRET });
  const heard: string[] = [];
  violet.on('error', (error) => void heard.push(error.code));
  const invalidate = jest.spyOn(Dispatcher.prototype, 'invalidate');
  try {
    violet.listenerCount('ORDER_SHIPPED');
    violet.listeners('*');
    violet.rawListeners('error');
    violet.eventNames();
    violet.getMaxListeners();
    violet.emit('error', new VioletWebhookError('INVALID_JSON', 'x'));
    expect(heard).toEqual(['INVALID_JSON']);
    expect(invalidate).not.toHaveBeenCalled();
    const listener = () => undefined;
    violet.on('ORDER_SHIPPED', listener);
    violet.off('ORDER_SHIPPED', listener);
    violet.removeAllListeners();
    expect(invalidate).toHaveBeenCalledTimes(3);
  } finally {
    invalidate.mockRestore();
  }
});
