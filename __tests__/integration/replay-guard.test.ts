// replayGuard on the memory store (two app instances sharing one, as over HTTP in one process),
// what the option refuses when the middleware is made, and that it is off by default.
import { format } from 'node:util';
import createDebug from 'debug';
import {
  MemoryDedupeStore,
  violetWebhooks,
  type ClaimOptions,
  type ClaimResult,
  type DedupeStore,
  type QueuedDelivery,
} from '../../lib';
import { RedisDedupeStore } from '../../lib/redis';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery, recorder } from '../helpers/deliveries';
import { inProcess, ownOrder, replayScenarios, underId } from '../helpers/replay';

describe('replayGuard, memory store, two instances', () => {
  const store = new MemoryDedupeStore();
  replayScenarios(inProcess(() => store));
});

describe('replayGuard, memory store through its promises (a subclass)', () => {
  class Counted extends MemoryDedupeStore {
    claims = 0;
    override claim(eventId: string, options: ClaimOptions): Promise<ClaimResult> {
      this.claims += 1;
      return super.claim(eventId, options);
    }
  }
  const store = new Counted();
  replayScenarios(inProcess(() => store));
  afterAll(() => expect(store.claims).toBeGreaterThan(10));
});

describe.each(EXPRESS_VERSIONS)('replayGuard (%s)', (_name, express) => {
  test('off by default: the same body under a new id reaches the listeners again', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const { calls, listener } = recorder();
    violet.on('ORDER_UPDATED', listener);
    const app = appWith(express, violet);
    const first = delivery('ORDER_UPDATED', { payload: ownOrder() });
    await deliver(app, first).expect(200, { received: true });
    await deliver(app, underId(first, `${Date.now()}-again`)).expect(200, { received: true });
    expect(calls).toHaveLength(2);
  });

  test('the same body signed under the other secret of a rotation is other content', async () => {
    const violet = violetWebhooks({ secret: [SECRET, 'older-secret-f00d'], replayGuard: true });
    const { calls, listener } = recorder();
    violet.on('ORDER_UPDATED', listener);
    const app = appWith(express, violet);
    const payload = ownOrder();
    const current = delivery('ORDER_UPDATED', { payload });
    const older = delivery('ORDER_UPDATED', { payload, secret: 'older-secret-f00d' });
    expect(older.body).toBe(current.body);
    await deliver(app, current).expect(200, { received: true });
    await deliver(app, older).expect(200, { received: true });
    await deliver(app, underId(older, `${Date.now()}-copy`)).expect(200, {
      received: true,
      duplicate: true,
    });
    expect(calls).toHaveLength(2);
  });

  test("a copy's debug line names the event it repeats; no signature reaches the log", async () => {
    const lines: string[] = [];
    const originalLog = createDebug.log;
    const first = delivery('ORDER_UPDATED', { payload: ownOrder(), eventId: 'orig-4711' });
    createDebug.enable('violet-webhooks:*');
    createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
    try {
      const violet = violetWebhooks({ secret: SECRET, replayGuard: true });
      const app = appWith(express, violet);
      await deliver(app, first).expect(200);
      await deliver(app, underId(first, 'copy-4712')).expect(200, {
        received: true,
        duplicate: true,
      });
    } finally {
      createDebug.disable();
      createDebug.log = originalLog;
    }
    const log = lines.join('\n');
    expect(log).toMatch(/duplicate ORDER_UPDATED copy-4712: repeats orig-4711 \(replayGuard\)/);
    const signature = first.headers['x-violet-hmac'] as string;
    expect(log).not.toContain(signature);
    expect(log).not.toContain(Buffer.from(signature, 'base64').toString('base64url'));
  });
});

describe('replayGuard: what the middleware refuses when it is made', () => {
  const create = (options: Record<string, unknown>) => () =>
    violetWebhooks({ secret: SECRET, ...options });

  test.each([
    ['not a boolean', { replayGuard: 'yes' }, '`replayGuard` must be true or false'],
    ['with dedupe: false', { replayGuard: true, dedupe: false }, 'cannot go with `dedupe: false`'],
    [
      'with a store that does not guard replays',
      {
        replayGuard: true,
        dedupe: {
          claim: () => Promise.resolve({ state: 'new', token: 't' }),
          complete: () => Promise.resolve(),
          release: () => Promise.resolve(),
        } satisfies DedupeStore,
      },
      'needs a store that claims the content key with the event id',
    ],
  ])('%s: a TypeError naming the fix', (_label, options, message) => {
    expect(create(options)).toThrow(TypeError);
    expect(create(options)).toThrow(message);
  });

  test('a RedisDedupeStore on an ioredis Cluster: refused, naming one Redis', () => {
    const cluster = {
      isCluster: true,
      status: 'ready',
      set: () => Promise.resolve('OK' as const),
      get: () => Promise.resolve(null),
      eval: () => Promise.resolve(null),
    };
    const store = new RedisDedupeStore(cluster);
    expect(store.guardsReplays).toBe(false);
    expect(create({ replayGuard: true, dedupe: store })).toThrow(/not an ioredis Cluster/);
    expect(create({ dedupe: store })).not.toThrow();
  });

  test('the memory store guards replays, and replayGuard: false needs nothing', () => {
    expect(new MemoryDedupeStore().guardsReplays).toBe(true);
    expect(create({ replayGuard: true })).not.toThrow();
    expect(create({ replayGuard: false, dedupe: false })).not.toThrow();
  });
});

describe('replayGuard through violet.fetch and receive(), and with ack: immediate', () => {
  test('violet.fetch: a copy under a new id is a duplicate; receive() shares the same claims', async () => {
    const violet = violetWebhooks({ secret: SECRET, replayGuard: true });
    const { calls, listener } = recorder();
    violet.on('ORDER_UPDATED', listener);
    const first = delivery('ORDER_UPDATED', { payload: ownOrder(), eventId: 'fetch-1' });
    const post = (d: typeof first) =>
      violet.fetch(
        new Request('https://shop.example.com/webhooks/violet', {
          method: 'POST',
          headers: d.headers,
          body: d.body,
        }),
      );
    expect((await post(first)).status).toBe(200);
    const copy = await post(underId(first, 'fetch-2'));
    expect(await copy.json()).toEqual({ received: true, duplicate: true });
    const viaReceive = await violet.receive(underId(first, 'receive-3'));
    expect(viaReceive).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    expect(calls).toHaveLength(1);
  });

  test("ack: 'immediate': a listener that fails after the answer releases the content for a copy", async () => {
    const kept: Promise<unknown>[] = [];
    const violet = violetWebhooks({
      secret: SECRET,
      replayGuard: true,
      ack: 'immediate',
      waitUntil: (work) => void kept.push(work),
    });
    const errors: string[] = [];
    let runs = 0;
    violet.on('ORDER_UPDATED', () => {
      runs += 1;
      if (runs === 1) throw new Error('listener failed');
    });
    violet.on('error', (error) => errors.push(error.code));
    const first = delivery('ORDER_UPDATED', { payload: ownOrder(), eventId: 'late-1' });
    const answer = await violet.receive(first);
    expect(answer.status).toBe(200);
    await Promise.all(kept);
    expect(errors).toEqual(['LISTENER_FAILED']);
    const copy = await violet.receive(underId(first, 'late-2'));
    expect(copy).toMatchObject({ status: 200, body: { received: true } });
    await Promise.all(kept);
    expect(runs).toBe(2);
    const third = await violet.receive(underId(first, 'late-3'));
    expect(third.body).toEqual({ received: true, duplicate: true });
  });
});

describe('replayGuard with a queue', () => {
  test('queued: a copy under a new id is a duplicate; a queue that failed released the content', async () => {
    const jobs: QueuedDelivery[] = [];
    let down = true;
    const queue = {
      enqueue(job: QueuedDelivery) {
        if (down) return Promise.reject(new Error('connection refused'));
        jobs.push(job);
        return Promise.resolve();
      },
    };
    const violet = violetWebhooks({ secret: SECRET, queue, replayGuard: true });
    violet.on('error', () => undefined);
    const app = appWith(EXPRESS_VERSIONS[0][1], violet);
    const first = delivery('ORDER_UPDATED', { payload: ownOrder(), eventId: 'queued-1' });
    await deliver(app, first).expect(503);
    down = false;
    await deliver(app, underId(first, 'queued-2')).expect(200, { received: true });
    await deliver(app, underId(first, 'queued-3')).expect(200, {
      received: true,
      duplicate: true,
    });
    await deliver(app, first).expect(200, { received: true, duplicate: true });
    expect(jobs.map((j) => j.eventId)).toEqual(['queued-2']);
  });
});
