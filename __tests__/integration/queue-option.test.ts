import { violetWebhooks, type QueuedDelivery, type VioletWebhookError } from '../../lib';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';

/** A queue in memory, that fails while `down` is set. */
function memoryQueue() {
  const jobs: QueuedDelivery[] = [];
  const state = { down: false };
  return {
    jobs,
    state,
    async enqueue(job: QueuedDelivery) {
      if (state.down) throw new Error('connection refused');
      jobs.push(job);
    },
  };
}

describe.each(EXPRESS_VERSIONS)('the queue option (%s)', (_name, express) => {
  test('a delivery is answered 200 once queued, with its exact body and no signature', async () => {
    const queue = memoryQueue();
    const app = appWith(express, violetWebhooks({ secret: SECRET, queue }));
    const d = delivery('ORDER_CANCELED', { eventId: '9001', bagId: 11111 });
    await deliver(app, d).expect(200, { received: true });
    await deliver(app, d).expect(200, { received: true, duplicate: true });
    expect(queue.jobs).toHaveLength(1);
    const [job] = queue.jobs as [QueuedDelivery];
    expect(job).toMatchObject({
      eventId: '9001',
      type: 'ORDER_CANCELLED',
      body: d.body,
      secretIndex: 0,
    });
    expect(job.headers['x-violet-topic']).toBe('ORDER_CANCELED');
    expect(job.headers['x-violet-bag-id']).toBe('11111');
    expect(Object.keys(job.headers).filter((h) => h.includes('hmac'))).toEqual([]);
  });

  test('a queue that fails answers 503 QUEUE_UNAVAILABLE and releases the claim, so the retry is queued', async () => {
    const queue = memoryQueue();
    const violet = violetWebhooks({ secret: SECRET, queue });
    const errors: VioletWebhookError[] = [];
    violet.on('error', (error) => void errors.push(error));
    const app = appWith(express, violet);
    const d = delivery('ORDER_SHIPPED');
    queue.state.down = true;
    const res = await deliver(app, d).expect(503);
    expect(res.body.error.code).toBe('QUEUE_UNAVAILABLE');
    expect(errors.map((e) => e.code)).toEqual(['QUEUE_UNAVAILABLE']);
    queue.state.down = false;
    await deliver(app, d).expect(200, { received: true });
    expect(queue.jobs).toHaveLength(1);
  });
});

describe('the queue option is checked', () => {
  const queue = memoryQueue();

  test.each([
    [{ ack: 'immediate' as const }, /`ack` does not go with `queue`/],
    [{ timeout: 5000 }, /`timeout` does not go with `queue`/],
    [{ queue: { add: () => undefined } as never }, /`queue` must be a DeliveryQueue/],
  ])('%j throws a TypeError', (options, message) => {
    expect(() => violetWebhooks({ secret: SECRET, queue, ...options })).toThrow(TypeError);
    expect(() => violetWebhooks({ secret: SECRET, queue, ...options })).toThrow(message);
  });

  test("a typed or '*' listener throws a TypeError that says to add it to the worker; 'error' is kept", () => {
    const violet = violetWebhooks({ secret: SECRET, queue });
    expect(() => violet.on('ORDER_SHIPPED', () => undefined)).toThrow(
      /add it to the worker: createVioletWorker/,
    );
    expect(() => violet.once('*', () => undefined)).toThrow(TypeError);
    expect(() => violet.prependListener('MERCHANT_CONNECTED', () => undefined)).toThrow(TypeError);
    expect(() => violet.on('error', () => undefined)).not.toThrow();
    expect(violet.eventNames()).toEqual(['error']);
  });
});
