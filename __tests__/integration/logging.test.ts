import { format } from 'node:util';
import createDebug from 'debug';
import { violetWebhooks } from '../../lib';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';

// With every namespace of the package enabled, the logs tell decisions and never carry a
// secret, a signature or a byte of a body.
describe.each(EXPRESS_VERSIONS)('logging (%s)', (_name, express) => {
  const lines: string[] = [];
  const originalLog = createDebug.log;

  beforeAll(() => {
    createDebug.enable('violet-webhooks:*');
    createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
  });
  afterAll(() => {
    createDebug.disable();
    createDebug.log = originalLog;
  });

  test('decisions are logged under violet-webhooks:*, secrets, signatures and bodies never', async () => {
    const violet = violetWebhooks({ secret: [SECRET, 'older-secret-value'] });
    violet.on('ORDER_SHIPPED', () => {
      throw new Error('listener failure detail');
    });
    const app = appWith(express, violet);
    const good = delivery('MERCHANT_CONNECTED');
    const failing = delivery('ORDER_SHIPPED');
    const forged = delivery('ORDER_REFUNDED', { secret: 'attacker-guess' });
    const invalid = delivery('ORDER_UPDATED', {
      payload: { id: 1, bags: [{ id: 'bag-secret-text' }] },
    });
    await deliver(app, good).expect(200);
    await deliver(app, good).expect(200);
    await deliver(app, failing).expect(500);
    await deliver(app, forged).expect(401);
    await deliver(app, invalid).expect(422);

    const log = lines.join('\n');
    expect(log).toMatch(/violet-webhooks:receive/);
    expect(log).toMatch(/dispatched MERCHANT_CONNECTED/);
    expect(log).toMatch(/duplicate MERCHANT_CONNECTED/);
    expect(log).toMatch(/rejected LISTENER_FAILED \(500\) ORDER_SHIPPED/);
    expect(log).toMatch(/rejected INVALID_SIGNATURE/);
    expect(log).toMatch(/rejected SCHEMA_MISMATCH/);
    for (const secretish of [
      SECRET,
      'older-secret-value',
      'attacker-guess',
      good.headers['x-violet-hmac'],
      forged.headers['x-violet-hmac'],
      'Maple & Pine',
      'bag-secret-text',
      'listener failure detail',
    ]) {
      expect(log).not.toContain(secretish);
    }
  });
});
