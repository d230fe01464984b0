import http from 'node:http';
import { violetWebhooks, type DedupeStore } from '../../lib';
import { samplePayload, type TestDelivery } from '../../lib/testing';
import { appWith, EXPRESS_VERSIONS, PATH } from './apps';
import { SECRET, delivery } from './deliveries';
import { listenOnLoopback } from './ports';
import { sleep } from './wait';

/** What one instance answered to a delivery, and how often a listener ran its event id so far. */
export interface ReplayAnswer {
  status: number;
  body: unknown;
  /** Listener runs for the delivery's event id, on every instance, counted after the answer. */
  runs: number;
}

/** Two app instances with `replayGuard: true` sharing one store. */
export interface ReplayInstances {
  send(instance: 0 | 1, d: TestDelivery): Promise<ReplayAnswer>;
  /** The messages of the `'error'` events both instances emitted so far. */
  errors(): string[];
}

/** How long the listener takes for event ids starting `slow-`; ids `fail-…` make it throw. */
export const SLOW_MS = 1500;

/** The same delivery under another event id: a captured body sent again. */
export const underId = (d: TestDelivery, eventId: string): TestDelivery => ({
  body: d.body,
  headers: { ...d.headers, 'x-violet-event-id': eventId },
});

/** Posts a delivery to a server on a loopback port: its status and JSON body. */
export async function post(port: number, d: TestDelivery) {
  const res = await fetch(`http://127.0.0.1:${port}${PATH}`, {
    method: 'POST',
    headers: d.headers,
    body: d.body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

let orders = 0;

/** An order of the test's own, with two bags (11, 12 past its id), so no two tests share a body. */
export function ownOrder() {
  const id = 7_000_000 + Math.floor(Math.random() * 100_000) * 100 + (orders++ % 100);
  const sample = samplePayload('ORDER_UPDATED');
  const [bag] = sample.bags;
  if (bag === undefined) throw new Error('the sample order has no bag');
  const bags = [bag, { ...bag }].map((b, i) => ({
    ...b,
    id: id + 11 + i,
    order_id: id,
    skus: b.skus.map((s) => ({ ...s, order_id: id, bag_id: id + 11 + i })),
  }));
  return { ...sample, id, bags };
}

/**
 * Two instances in this process, each with its own store object (`makeStore()`, called twice)
 * over the same backing store, served over HTTP on loopback.
 */
export function inProcess(makeStore: () => DedupeStore): () => ReplayInstances {
  let instances: ReplayInstances;
  let close: () => Promise<void>;
  beforeEach(async () => {
    const runs = new Map<string, number>();
    const errors: string[] = [];
    const servers: http.Server[] = [];
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      const violet = violetWebhooks({ secret: SECRET, dedupe: makeStore(), replayGuard: true });
      violet.on('*', async (event) => {
        runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
        if (event.id.startsWith('slow-')) await sleep(SLOW_MS);
        if (event.id.startsWith('fail-')) throw new Error('listener failed');
      });
      violet.on('error', (error) => errors.push(error.message));
      const server = http.createServer(appWith(EXPRESS_VERSIONS[0][1], violet));
      servers.push(server);
      ports.push(await listenOnLoopback(server));
    }
    instances = {
      async send(i, d) {
        const answer = await post(ports[i] as number, d);
        return { ...answer, runs: runs.get(d.headers['x-violet-event-id'] ?? '') ?? 0 };
      },
      errors: () => errors,
    };
    close = () =>
      Promise.all(
        servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      ).then(() => undefined);
  });
  afterEach(() => close());
  return () => instances;
}

const DUPLICATE = { received: true, duplicate: true };
const RECEIVED = { received: true };

/** The replay scenarios every store passes, over two instances with `replayGuard: true`. */
export function replayScenarios(instances: () => ReplayInstances): void {
  const unique = (label: string) => `${label}-${Date.now()}${Math.floor(Math.random() * 1e6)}`;

  test('the same body under a new event id, on the other instance: a duplicate, no listener runs', async () => {
    const { send } = instances();
    const first = delivery('ORDER_UPDATED', { payload: ownOrder(), eventId: unique('first') });
    expect(await send(0, first)).toEqual({ status: 200, body: RECEIVED, runs: 1 });
    const replay = underId(first, unique('replay'));
    expect(await send(1, replay)).toEqual({ status: 200, body: DUPLICATE, runs: 0 });
    expect(await send(0, underId(first, unique('again')))).toMatchObject({ runs: 0 });
    // The same event id again is a duplicate, as it always was.
    expect(await send(1, first)).toEqual({ status: 200, body: DUPLICATE, runs: 1 });
  });

  test('ORDER_ACCEPTED and ORDER_UPDATED of one bag change, same body: both reach the listeners', async () => {
    const { send } = instances();
    const payload = ownOrder();
    const accepted = delivery('ORDER_ACCEPTED', { payload, eventId: unique('accepted') });
    const updated = delivery('ORDER_UPDATED', { payload, eventId: unique('updated') });
    expect(updated.body).toBe(accepted.body);
    expect(await send(0, accepted)).toMatchObject({ status: 200, runs: 1 });
    expect(await send(1, updated)).toMatchObject({ status: 200, runs: 1 });
  });

  test('one body for two bags, or two SKUs: each reaches the listeners; each one again does not', async () => {
    const { send } = instances();
    const payload = ownOrder();
    const [one, two] = payload.bags.map((b) => b.id);
    const sku = payload.bags[0]?.skus[0]?.sku_id;
    const deliveries = [
      delivery('ORDER_UPDATED', { payload, bagId: one, eventId: unique('bag-1') }),
      delivery('ORDER_UPDATED', { payload, bagId: two, eventId: unique('bag-2') }),
      delivery('ORDER_UPDATED', { payload, bagId: one, skuId: sku, eventId: unique('sku') }),
    ];
    expect(new Set(deliveries.map((d) => d.body)).size).toBe(1);
    for (const d of deliveries) expect(await send(0, d)).toMatchObject({ status: 200, runs: 1 });
    for (const d of deliveries) {
      expect(await send(1, underId(d, unique('replay')))).toEqual({
        status: 200,
        body: DUPLICATE,
        runs: 0,
      });
    }
  });

  test('a delivery whose listener failed releases its content: a copy under a new id runs', async () => {
    const { send } = instances();
    const failed = delivery('ORDER_UPDATED', { payload: ownOrder(), eventId: unique('fail') });
    expect(await send(0, failed)).toMatchObject({ status: 500, runs: 1 });
    const copy = underId(failed, unique('copy'));
    expect(await send(1, copy)).toEqual({ status: 200, body: RECEIVED, runs: 1 });
    expect(await send(0, underId(failed, unique('later')))).toMatchObject({ body: DUPLICATE });
  });

  test('while the first is being processed: 409 DUPLICATE_IN_FLIGHT naming it, then a duplicate', async () => {
    const { send, errors } = instances();
    const firstId = unique('slow');
    const first = delivery('ORDER_UPDATED', { payload: ownOrder(), eventId: firstId });
    const running = send(0, first);
    await sleep(SLOW_MS / 3);
    const replay = underId(first, unique('replay'));
    const during = await send(1, replay);
    expect(during).toMatchObject({ status: 409, runs: 0 });
    expect(during.body).toMatchObject({ error: { code: 'DUPLICATE_IN_FLIGHT' } });
    expect(errors().filter((m) => m.includes(`repeats the content of event ${firstId}`))).toEqual([
      expect.stringContaining('replayGuard'),
    ]);
    expect(await running).toMatchObject({ status: 200, runs: 1 });
    expect(await send(1, replay)).toEqual({ status: 200, body: DUPLICATE, runs: 0 });
  });

  test('three bodies, each under eight ids at once on both instances: one listener run per body', async () => {
    const { send } = instances();
    const bodies = [0, 1, 2].map(() => delivery('ORDER_UPDATED', { payload: ownOrder() }));
    const copies = bodies.flatMap((d, b) =>
      Array.from({ length: 8 }, (_, i) => underId(d, unique(`slow-${b}-${i}`))),
    );
    const at = (i: number) => (i % 2) as 0 | 1;
    const answers = await Promise.all(copies.map((d, i) => send(at(i), d)));
    for (const a of answers) expect([200, 409]).toContain(a.status);
    // Each copy again, once all are settled: its event id's runs, on both instances.
    const again = await Promise.all(copies.map((d, i) => send(at(i), d)));
    for (let b = 0; b < bodies.length; b++) {
      const runs = again.slice(b * 8, b * 8 + 8).reduce((sum, a) => sum + a.runs, 0);
      expect(`body ${b}: ${runs} runs`).toBe(`body ${b}: 1 runs`);
    }
  }, 30_000);
}
