import { randomUUID } from 'node:crypto';
import { Redis as UpstashRedis } from '@upstash/redis';
import Redis from 'ioredis';
import {
  MemoryDedupeStore,
  violetWebhooks,
  type ClaimOptions,
  type ClaimResult,
  type DedupeStore,
  type SynchronousDedupe,
} from '../../lib';
import { RedisDedupeStore } from '../../lib/redis';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { gate, sleep } from '../helpers/wait';
import { describeWithSharedRedis } from '../helpers/redis';
import { UpstashRestEndpoint } from '../helpers/upstash-rest';

type StoreFactory = () => DedupeStore;

/** The guarantees, over real HTTP, for one store. */
function guarantees(express: (typeof EXPRESS_VERSIONS)[number][1], makeStore: StoreFactory) {
  function setup(timeout = 9000) {
    const violet = violetWebhooks({ secret: SECRET, dedupe: makeStore(), timeout });
    return { violet, app: appWith(express, violet) };
  }

  test('20 concurrent copies of one event run the listener once; a later copy is a duplicate', async () => {
    const { violet, app } = setup();
    let calls = 0;
    violet.on('ORDER_SHIPPED', async () => {
      calls += 1;
      await sleep(50);
    });
    const d = delivery('ORDER_SHIPPED');
    const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(app, d)));
    expect(calls).toBe(1);
    const processed = answers.filter((r) => r.status === 200 && r.body.duplicate === undefined);
    expect(processed).toHaveLength(1);
    for (const r of answers) {
      expect([200, 409]).toContain(r.status);
      if (r.status === 409) expect(r.body.error.code).toBe('DUPLICATE_IN_FLIGHT');
    }
    const later = await deliver(app, d);
    expect(later.status).toBe(200);
    expect(later.body).toEqual({ received: true, duplicate: true });
    expect(calls).toBe(1);
  });

  test('a listener failure, then the retry runs it again', async () => {
    const { violet, app } = setup();
    let calls = 0;
    violet.on('MERCHANT_CONNECTED', () => {
      calls += 1;
      if (calls === 1) throw new Error('transient');
    });
    const d = delivery('MERCHANT_CONNECTED');
    await deliver(app, d).expect(500);
    await deliver(app, d).expect(200, { received: true });
    await deliver(app, d).expect(200, { received: true, duplicate: true });
    expect(calls).toBe(2);
  });

  test('a slow listener gets 503, a retry during it 409, a retry after it 200 duplicate', async () => {
    const { violet, app } = setup(100);
    let calls = 0;
    const slow = gate();
    violet.on('TRANSFER_SENT', async () => {
      calls += 1;
      await slow.opened;
    });
    const d = delivery('TRANSFER_SENT');
    const first = await deliver(app, d);
    expect({ status: first.status, code: first.body.error.code }).toEqual({
      status: 503,
      code: 'LISTENER_TIMEOUT',
    });
    const during = await deliver(app, d);
    expect({ status: during.status, code: during.body.error.code }).toEqual({
      status: 409,
      code: 'DUPLICATE_IN_FLIGHT',
    });
    slow.open();
    await sleep(100);
    await deliver(app, d).expect(200, { received: true, duplicate: true });
    expect(calls).toBe(1);
  });

  test('a slow listener that then fails frees the event for the retry', async () => {
    const { violet, app } = setup(50);
    const runs = [gate(), gate()];
    let calls = 0;
    violet.on('OFFER_UPDATED', async () => {
      calls += 1;
      await runs[calls - 1]?.opened;
      if (calls === 1) throw new Error('late failure');
    });
    const d = delivery('OFFER_UPDATED');
    await deliver(app, d).expect(503);
    runs[0]?.open();
    await sleep(100);
    const retry = await deliver(app, d);
    expect(retry.status).toBe(503); // the retry runs the listener again, which is slow again
    runs[1]?.open();
    await sleep(100);
    await deliver(app, d).expect(200, { received: true, duplicate: true });
    expect(calls).toBe(2);
  });
}

describe.each(EXPRESS_VERSIONS)(
  'delivery guarantees with the memory store (%s)',
  (_name, express) => {
    guarantees(express, () => new MemoryDedupeStore());
  },
);

/** A memory store extended as a user might, to see each call: its methods must be the ones used. */
class CountingStore extends MemoryDedupeStore {
  readonly calls: string[] = [];
  override claim(eventId: string, options: ClaimOptions) {
    this.calls.push(`claim ${options.event?.type ?? '?'}`);
    return super.claim(eventId, options);
  }
  override complete(eventId: string, token: string) {
    this.calls.push('complete');
    return super.complete(eventId, token);
  }
}

describe('delivery guarantees with a subclass of the memory store', () => {
  guarantees(EXPRESS_VERSIONS[0][1], () => new CountingStore());

  test("the subclass's own claim and complete are called, with the event", async () => {
    const store = new CountingStore();
    const violet = violetWebhooks({ secret: SECRET, dedupe: store });
    const app = appWith(EXPRESS_VERSIONS[0][1], violet);
    const d = delivery('ORDER_SHIPPED');
    await deliver(app, d).expect(200, { received: true });
    await deliver(app, d).expect(200, { received: true, duplicate: true });
    expect(store.calls).toEqual(['claim ORDER_SHIPPED', 'complete', 'claim ORDER_SHIPPED']);
  });
});

/**
 * A custom store that answers at once, through the seam: the memory store's answers, with each
 * call recorded; `synchronous()` may be switched off, or its claim made to fail.
 */
class ImmediateStore implements DedupeStore {
  readonly calls: string[] = [];
  failClaim = false;
  private readonly inner = new MemoryDedupeStore();
  constructor(private readonly offers: boolean) {}
  claim(eventId: string, options: ClaimOptions): Promise<ClaimResult> {
    this.calls.push('claim');
    return this.inner.claim(eventId, options);
  }
  complete(eventId: string, token: string): Promise<void> {
    this.calls.push('complete');
    return this.inner.complete(eventId, token);
  }
  release(eventId: string, token: string): Promise<void> {
    this.calls.push('release');
    return this.inner.release(eventId, token);
  }
  synchronous(): SynchronousDedupe | undefined {
    const inner = this.inner.synchronous();
    if (!this.offers || inner === undefined) return undefined;
    return {
      claim: (eventId, options) => {
        this.calls.push(`claim at once ${options.event?.type ?? '?'}`);
        if (this.failClaim) throw new Error('store down');
        return inner.claim(eventId, options);
      },
      complete: (eventId, token) => {
        this.calls.push('complete at once');
        inner.complete(eventId, token);
      },
    };
  }
}

describe('a custom store that answers at once (DedupeStore.synchronous)', () => {
  guarantees(EXPRESS_VERSIONS[0][1], () => new ImmediateStore(true));

  test('its answers at once are the ones used; release stays a promise', async () => {
    const store = new ImmediateStore(true);
    const violet = violetWebhooks({ secret: SECRET, dedupe: store });
    let fail = true;
    violet.on('ORDER_SHIPPED', () => {
      if (fail) throw new Error('listener down');
    });
    const app = appWith(EXPRESS_VERSIONS[0][1], violet);
    const d = delivery('ORDER_SHIPPED');
    await deliver(app, d).expect(500);
    fail = false;
    await deliver(app, d).expect(200, { received: true });
    await deliver(app, d).expect(200, { received: true, duplicate: true });
    expect(store.calls).toEqual([
      'claim at once ORDER_SHIPPED',
      'release',
      'claim at once ORDER_SHIPPED',
      'complete at once',
      'claim at once ORDER_SHIPPED',
    ]);
  });

  test('a claim at once that throws answers 503 DEDUPE_UNAVAILABLE and runs no listener', async () => {
    const store = new ImmediateStore(true);
    store.failClaim = true;
    const violet = violetWebhooks({ secret: SECRET, dedupe: store });
    let calls = 0;
    violet.on('ORDER_SHIPPED', () => {
      calls += 1;
    });
    const res = await deliver(appWith(EXPRESS_VERSIONS[0][1], violet), delivery('ORDER_SHIPPED'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('DEDUPE_UNAVAILABLE');
    expect(calls).toBe(0);
  });

  test('a store whose synchronous() gives undefined is used through its promises', async () => {
    const store = new ImmediateStore(false);
    const violet = violetWebhooks({ secret: SECRET, dedupe: store });
    const app = appWith(EXPRESS_VERSIONS[0][1], violet);
    await deliver(app, delivery('ORDER_SHIPPED')).expect(200, { received: true });
    expect(store.calls).toEqual(['claim', 'complete']);
  });
});

describeWithSharedRedis('delivery guarantees with the Redis store', (url) => {
  let client: Redis;
  beforeAll(() => {
    client = new Redis(url);
  });
  afterAll(async () => {
    await client.quit();
  });
  describe.each(EXPRESS_VERSIONS)('%s', (_name, express) => {
    guarantees(express, () => new RedisDedupeStore(client, { prefix: `test:${randomUUID()}:` }));
  });
});

describeWithSharedRedis(
  'delivery guarantees with the Redis store through @upstash/redis',
  (url) => {
    let endpoint: UpstashRestEndpoint;
    beforeAll(async () => {
      endpoint = await UpstashRestEndpoint.start(url);
    });
    afterAll(() => endpoint?.close());
    guarantees(
      EXPRESS_VERSIONS[0][1],
      () =>
        new RedisDedupeStore(new UpstashRedis({ url: endpoint.url, token: endpoint.token }), {
          prefix: `test:${randomUUID()}:`,
        }),
    );
  },
);
