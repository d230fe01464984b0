// One scenario, run against the receiver as each runtime serves it (see receiver.ts): every
// runtime gets the same deliveries over HTTP on 127.0.0.1 and must give the same answers.
import net from 'node:net';
import { createDelivery, samplePayload } from '../../lib/testing';
import { until } from '../helpers/wait';
import { LIMIT, RUNTIME_SECRET, type Seen } from './receiver';
import { staleScenario } from './stale';

export interface Served {
  /** The server's origin, http://127.0.0.1:PORT. */
  readonly origin: string;
  stop(): Promise<void>;
}

let sequence = 0;
const eventId = (label: string) => `${label}-${Date.now()}-${(sequence += 1)}`;

/** An order of about `bytes`, every bag with one line item: the largest Violet sends are ~340 KB. */
function orderOfSize(bytes: number) {
  const order = samplePayload('ORDER_SHIPPED');
  const [bag] = order.bags;
  if (bag === undefined) throw new Error('the sample order has no bag');
  const bags = [];
  for (let id = 20_000; JSON.stringify({ ...order, bags }).length < bytes; id += 2) {
    bags.push({
      ...bag,
      id,
      skus: (bag.skus ?? []).slice(0, 1).map((s) => ({ ...s, id: id + 1 })),
    });
  }
  return { ...order, bags };
}

/** Posts a signed delivery to a served receiver: its status, headers and JSON body. */
export async function postDelivery(
  origin: string,
  d: { headers: Record<string, string>; body: string },
  path = '/webhooks/violet',
) {
  const res = await fetch(origin + path, { method: 'POST', headers: d.headers, body: d.body });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** The ids of the events whose listener on /after-answer has finished. */
export const finishedAt = async (origin: string): Promise<string[]> =>
  (await (await fetch(`${origin}/finished`)).json()) as string[];

/** A signed delivery of `type` for the runtime receiver, with an event id of its own. */
export const runtimeDelivery = (type: string, options: Record<string, unknown> = {}) =>
  createDelivery({ type, secret: RUNTIME_SECRET, eventId: eventId(type), ...options });

export function runScenario(name: string, start: () => Promise<Served>): void {
  describe(`violet.fetch served by ${name}`, () => {
    let served: Served;
    beforeAll(async () => {
      served = await start();
    }, 120_000);
    afterAll(() => served?.stop());

    const post = (d: { headers: Record<string, string>; body: string }, path?: string) =>
      postDelivery(served.origin, d, path);
    const seen = async (): Promise<Seen[]> =>
      (await (await fetch(`${served.origin}/seen`)).json()) as Seen[];
    const code = (body: Record<string, unknown>) =>
      (body.error as { code?: string } | undefined)?.code;
    const delivery = runtimeDelivery;

    test('accepted, with the bag and line item resolved; then a duplicate', async () => {
      const d = delivery('ORDER_SHIPPED', { bagId: 11111, skuId: 33331 });
      expect(await post(d)).toMatchObject({ status: 200, body: { received: true } });
      expect(await seen()).toContainEqual({
        type: 'ORDER_SHIPPED',
        id: d.headers['x-violet-event-id'],
        bagId: 11111,
        skuId: 33331,
        bags: samplePayload('ORDER_SHIPPED').bags.length,
        stale: false,
      });
      expect(await post(d)).toMatchObject({
        status: 200,
        body: { received: true, duplicate: true },
      });
    });

    test("ack: 'immediate': answered first, the listener finishes after the answer", async () => {
      // On workerd the Worker's ctx.waitUntil keeps this work alive (workerd.test.ts shows it
      // lost without the context); elsewhere the process does.
      const d = delivery('MERCHANT_CONNECTED');
      expect(await post(d, '/after-answer')).toMatchObject({ status: 200 });
      const id = d.headers['x-violet-event-id'] as string;
      await until(async () => (await finishedAt(served.origin)).includes(id), 5000);
    });

    test('forged: 401, and nothing runs', async () => {
      const d = delivery('ORDER_SHIPPED', { secret: 'not-the-secret' });
      const res = await post(d);
      expect([res.status, code(res.body)]).toEqual([401, 'INVALID_SIGNATURE']);
      expect((await seen()).map((s) => s.id)).not.toContain(d.headers['x-violet-event-id']);
    });

    test('a schema mismatch: 422', async () => {
      const res = await post(delivery('OFFER_UPDATED', { payload: { id: 'not a number' } }));
      expect([res.status, code(res.body)]).toEqual([422, 'SCHEMA_MISMATCH']);
    });

    test('over the limit: 413', async () => {
      const res = await post(
        delivery('ORDER_UPDATED', { payload: orderOfSize(LIMIT + 64 * 1024) }),
      );
      expect([res.status, code(res.body)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    });

    test('a failing listener: 500, so that Violet retries', async () => {
      const res = await post(delivery('MERCHANT_DISCONNECTED'));
      expect([res.status, code(res.body)]).toEqual([500, 'LISTENER_FAILED']);
    });

    test('an unknown type: 200, emitted on * under the name sent', async () => {
      const d = delivery('ORDER_TELEPORTED', { payload: { id: 7 } });
      expect((await post(d)).status).toBe(200);
      expect(await seen()).toContainEqual(
        expect.objectContaining({ type: 'ORDER_TELEPORTED', id: d.headers['x-violet-event-id'] }),
      );
    });

    test('the wrong method: 405 with Allow: POST', async () => {
      const res = await fetch(`${served.origin}/webhooks/violet`, { method: 'PUT', body: '{}' });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'METHOD_NOT_ALLOWED',
      );
    });

    test('a body read before violet.fetch: 500 BODY_ALREADY_PARSED, saying how to fix it', async () => {
      const res = await post(delivery('ORDER_SHIPPED'), '/read-first');
      expect([res.status, code(res.body)]).toEqual([500, 'BODY_ALREADY_PARSED']);
      expect((res.body.error as { message: string }).message).toContain('request.clone()');
    });

    test('a 340 KB order: 200, every bag there', async () => {
      const order = orderOfSize(340 * 1024);
      const d = delivery('ORDER_SHIPPED', { payload: order, bagId: order.bags[100]?.id });
      expect((await post(d)).status).toBe(200);
      expect(await seen()).toContainEqual(
        expect.objectContaining({
          id: d.headers['x-violet-event-id'],
          bagId: order.bags[100]?.id,
          bags: order.bags.length,
        }),
      );
    });

    test('a sender that aborts mid-body: nothing runs, and the next delivery is answered', async () => {
      const d = delivery('ORDER_SHIPPED');
      const { port, hostname } = new URL(served.origin);
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(port), hostname, () => {
          const head = Object.entries({
            ...d.headers,
            'content-length': String(d.body.length + 500),
          })
            .map(([k, v]) => `${k}: ${v}`)
            .join('\r\n');
          socket.write(`POST /webhooks/violet HTTP/1.1\r\nhost: ${hostname}\r\n${head}\r\n\r\n`);
          socket.write(d.body.slice(0, 100), () => setTimeout(() => socket.destroy(), 100));
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
      const next = delivery('ORDER_SHIPPED');
      expect((await post(next)).status).toBe(200);
      const ids = (await seen()).map((s) => s.id);
      expect(ids).toContain(next.headers['x-violet-event-id']);
      expect(ids).not.toContain(d.headers['x-violet-event-id']);
    });

    staleScenario(() => served.origin);
  });
}
