import { violetWebhooks } from '../../lib';
import { SECRET, delivery } from '../helpers/deliveries';
import { gate, until } from '../helpers/wait';

const URL = 'https://shop.example.com/webhooks/violet';
const request = (d: { headers: Record<string, string>; body: string }, init: RequestInit = {}) =>
  new Request(URL, { method: 'POST', headers: d.headers, body: d.body, ...init });

describe('violet.fetch, called as a runtime calls it', () => {
  test('it is bound: passed around on its own, it still answers', async () => {
    const { fetch: handler } = violetWebhooks({ secret: SECRET });
    const res = await handler(request(delivery('MERCHANT_CONNECTED')));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ received: true });
  });

  test("ack: 'immediate' hands the listeners' work to ctx.waitUntil, which ends once they have", async () => {
    const violet = violetWebhooks({ secret: SECRET, ack: 'immediate' });
    const held = gate();
    let finished = false;
    violet.on('ORDER_SHIPPED', async () => {
      await held.opened;
      finished = true;
    });
    const kept: Promise<unknown>[] = [];
    const ctx = { waitUntil: (work: Promise<unknown>) => void kept.push(work) };
    const d = delivery('ORDER_SHIPPED');
    // As a Worker is called: (request, env, ctx).
    const res = await violet.fetch(request(d), {}, ctx);
    expect(res.status).toBe(200);
    expect(kept).toHaveLength(1);
    let settled = false;
    void kept[0]?.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([finished, settled]).toEqual([false, false]);
    held.open();
    await kept[0];
    expect(finished).toBe(true);
    // The claim was completed within the kept work: a copy is a duplicate at once.
    expect(await (await violet.fetch(request(d))).json()).toEqual({
      received: true,
      duplicate: true,
    });
  });

  test('a listener past the timeout: its outcome goes to waitUntil too', async () => {
    const violet = violetWebhooks({ secret: SECRET, timeout: 20 });
    const held = gate();
    violet.on('ORDER_UPDATED', () => held.opened);
    violet.on('error', () => undefined);
    const kept: Promise<unknown>[] = [];
    const res = await violet.fetch(request(delivery('ORDER_UPDATED')), {
      waitUntil: (work: Promise<unknown>) => void kept.push(work),
    });
    expect(res.status).toBe(503);
    expect(kept).toHaveLength(1);
    held.open();
    await kept[0];
  });

  test.each([
    ['read as a stream (no declared length)', false],
    ['of declared length (read whole)', true],
  ])(
    'a body %s that fails halfway resolves to 400 BODY_STREAM_FAILED; it never rejects',
    async (_how, declared) => {
      const violet = violetWebhooks({ secret: SECRET });
      let ran = false;
      violet.on('*', () => void (ran = true));
      violet.on('error', () => undefined);
      const d = delivery('ORDER_SHIPPED');
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(d.body.slice(0, 50)));
          controller.error(new Error('connection reset'));
        },
      });
      const length = declared ? { 'content-length': String(Buffer.byteLength(d.body)) } : {};
      const res = await violet.fetch(
        new Request(URL, {
          method: 'POST',
          headers: { ...d.headers, ...length },
          body,
          duplex: 'half',
        } as RequestInit),
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'BODY_STREAM_FAILED',
      );
      expect(ran).toBe(false);
    },
  );

  test('a body past the limit is cancelled, not read to its end', async () => {
    const violet = violetWebhooks({ secret: SECRET, limit: 1024 });
    let pulled = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(512));
        if (pulled > 1000) controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    const d = delivery('ORDER_SHIPPED');
    const { 'content-length': _length, ...headers } = d.headers;
    const res = await violet.fetch(
      new Request(URL, { method: 'POST', headers, body, duplex: 'half' } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    await until(() => cancelled, 2000);
    expect(pulled).toBeLessThan(10);
  });

  test('a body longer than its declared Content-Length (a Request made in code) is still held to the limit', async () => {
    const violet = violetWebhooks({ secret: SECRET, limit: 1024 });
    let ran = false;
    violet.on('*', () => void (ran = true));
    const d = delivery('ORDER_SHIPPED');
    expect(d.body.length).toBeGreaterThan(1024);
    const res = await violet.fetch(
      new Request(URL, {
        method: 'POST',
        headers: { ...d.headers, 'content-length': '100' },
        body: d.body,
      }),
    );
    expect(res.status).toBe(413);
    expect(ran).toBe(false);
  });

  test('no body at all: the signature of an empty body is checked like any other', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const d = delivery('ORDER_SHIPPED');
    const res = await violet.fetch(new Request(URL, { method: 'POST', headers: d.headers }));
    expect(res.status).toBe(401);
  });
});
