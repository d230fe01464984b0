import {
  MemoryDedupeStore,
  violetWebhooks,
  type ClaimOptions,
  type ClaimResult,
  type DedupeStore,
  type VioletWebhooksOptions,
} from '../../lib';
import { samplePayload, type TestDelivery } from '../../lib/testing';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { merchantSnapshots, staleScenarios, type SendTo } from '../helpers/stale';

const NEWER = '2025-04-08T16:21:52+0000';
const OLDER = '2025-04-08T16:20:00+0000';

/** An app whose listener records `event.stale` per event id; ids `fail-…` make it throw. */
function instance(options: Partial<VioletWebhooksOptions>, express = EXPRESS_VERSIONS[0][1]) {
  const seen = new Map<string, boolean | undefined>();
  const violet = violetWebhooks({ secret: SECRET, ...options });
  violet.on('*', (event) => {
    seen.set(event.id, event.stale);
    if (event.id.startsWith('fail-')) throw new Error('listener failed');
  });
  violet.on('error', () => undefined);
  const app = appWith(express, violet);
  const send = async (d: TestDelivery) => {
    const id = d.headers['x-violet-event-id'] as string;
    const res = await deliver(app, d);
    return {
      status: res.status,
      stale: seen.has(id) ? seen.get(id) : ('no listener ran' as const),
    };
  };
  return { violet, send, seen };
}

describe.each(EXPRESS_VERSIONS)('event.stale over HTTP, memory store (%s)', (_name, express) => {
  let sendTo: SendTo;
  beforeEach(() => {
    const dedupe = new MemoryDedupeStore();
    const apps = [instance({ dedupe }, express), instance({ dedupe }, express)];
    sendTo = (i, d) => apps[i]!.send(d);
  });
  staleScenarios(() => sendTo);
});

describe('event.stale, memory store', () => {
  test('through a store subclassed (its promises, not its synchronous path)', async () => {
    class Counted extends MemoryDedupeStore {
      claims = 0;
      override claim(eventId: string, options: ClaimOptions): Promise<ClaimResult> {
        this.claims += 1;
        return super.claim(eventId, options);
      }
    }
    const dedupe = new Counted();
    expect(dedupe.synchronous()).toBeUndefined();
    const app = instance({ dedupe });
    const snapshot = merchantSnapshots();
    expect(await app.send(snapshot(NEWER, 'n-1'))).toEqual({ status: 200, stale: false });
    expect(await app.send(snapshot(OLDER, 'o-1'))).toEqual({ status: 200, stale: true });
    expect(dedupe.claims).toBe(2);
  });

  test('violet.receive() gives the flag on ReceiveResult.event; a duplicate of the stale one answers duplicate', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const snapshot = merchantSnapshots();
    const newer = await violet.receive(snapshot(NEWER, 'r-new'));
    expect(newer.event?.stale).toBe(false);
    const older = snapshot(OLDER, 'r-old');
    const result = await violet.receive(older);
    expect(result).toMatchObject({ status: 200, body: { received: true } });
    expect(result.event?.stale).toBe(true);
    const again = await violet.receive(older);
    expect(again.body).toEqual({ received: true, duplicate: true });
  });

  test('an order event: the entity is the bag of x-violet-bag-id', async () => {
    const app = instance({});
    const bag = (date: string, eventId: string, bagId = 11111) =>
      delivery('ORDER_UPDATED', { bagId, lastModified: date, eventId });
    expect((await app.send(bag(NEWER, 'b-new'))).stale).toBe(false);
    expect((await app.send(bag(OLDER, 'b-old'))).stale).toBe(true);
    // Another bag of the same order is another entity.
    expect((await app.send(bag(OLDER, 'b-other', 11112))).stale).toBe(false);
  });

  test('versions are remembered as long as processed ids (ttlMs), then forgotten', async () => {
    const dedupe = new MemoryDedupeStore({ ttlMs: 200 });
    const app = instance({ dedupe });
    const snapshot = merchantSnapshots();
    expect((await app.send(snapshot(NEWER, 't-new'))).stale).toBe(false);
    expect((await app.send(snapshot(OLDER, 't-old'))).stale).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await app.send(snapshot(OLDER, 't-old-later'))).stale).toBe(false);
  });

  test('with a queue: a stale event is handed over with the flag, and a handed-over version counts', async () => {
    const queued: Array<{ eventId: string; stale?: boolean | undefined }> = [];
    const violet = violetWebhooks({
      secret: SECRET,
      queue: { enqueue: async (d) => void queued.push({ eventId: d.eventId, stale: d.stale }) },
    });
    const snapshot = merchantSnapshots();
    expect((await violet.receive(snapshot(NEWER, 'q-new'))).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await violet.receive(snapshot(OLDER, 'q-old'))).event?.stale).toBe(true);
    expect(queued).toEqual([
      { eventId: 'q-new', stale: false },
      { eventId: 'q-old', stale: true },
    ]);
  });
});

describe('event.stale is undefined when it cannot be known', () => {
  test.each([
    ["ordering: 'off'", { ordering: 'off' } as const],
    ['dedupe: false', { dedupe: false } as const],
  ])('%s', async (_label, options) => {
    const app = instance(options);
    const snapshot = merchantSnapshots();
    expect(await app.send(snapshot(NEWER, 'u-new'))).toEqual({ status: 200, stale: undefined });
    expect(await app.send(snapshot(OLDER, 'u-old'))).toEqual({ status: 200, stale: undefined });
  });

  test('a custom store that knows nothing of versions keeps working', async () => {
    const ids = new Map<string, string>();
    const completions: unknown[][] = [];
    const custom: DedupeStore = {
      async claim(id) {
        if (ids.has(id)) return { state: ids.get(id) === 'done' ? 'done' : 'in-flight' };
        ids.set(id, 'claimed');
        return { state: 'new', token: id };
      },
      async complete(...args: unknown[]) {
        completions.push(args);
        ids.set(args[0] as string, 'done');
      },
      async release(id) {
        ids.delete(id);
      },
    };
    const app = instance({ dedupe: custom });
    const snapshot = merchantSnapshots();
    expect(await app.send(snapshot(NEWER, 'c-new'))).toEqual({ status: 200, stale: undefined });
    expect(await app.send(snapshot(OLDER, 'c-old'))).toEqual({ status: 200, stale: undefined });
    // It is told the version, which it may ignore.
    expect(completions[1]).toEqual([
      'c-old',
      'c-old',
      { version: { key: expect.stringMatching(/^merchant:/), at: Date.parse(OLDER) } },
    ]);
  });

  test('an event without a version', async () => {
    const app = instance({});
    const { date_last_modified: _dropped, ...payload } = samplePayload('MERCHANT_CONNECTED');
    const d = delivery('MERCHANT_CONNECTED', { payload, eventId: 'no-version' });
    expect(await app.send(d)).toEqual({ status: 200, stale: undefined });
  });

  test('the option is checked', () => {
    expect(() => violetWebhooks({ secret: SECRET, ordering: 'drop' as 'off' })).toThrow(
      /option `ordering` must be 'flag' or 'off'/,
    );
  });
});
