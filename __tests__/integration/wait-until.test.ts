// The factory's `waitUntil` option, over HTTP: where the request brings no `waitUntil` of its own
// (Next.js route handlers, Vercel functions), the work after the answer is handed to it. And a
// completion still going at the answer's deadline goes on after the answer, handed over the same
// way, instead of holding the answer.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import {
  MemoryDedupeStore,
  violetWebhooks,
  type ClaimOptions,
  type DedupeStore,
  type VioletWebhooksOptions,
} from '../../lib';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { gate, until } from '../helpers/wait';

/** violet.fetch served over node:http by @hono/node-server, whose second argument has no waitUntil. */
async function served(options: Partial<VioletWebhooksOptions>) {
  const violet = violetWebhooks({ secret: SECRET, ...options });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: violet.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const post = (d: { headers: Record<string, string>; body: string }) =>
    fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: d.headers, body: d.body });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { violet, post, close };
}

describe('the waitUntil option', () => {
  test("with ack: 'immediate', the listeners' work is handed to it and ends when they have", async () => {
    const kept: Promise<unknown>[] = [];
    const held = gate();
    let finished = false;
    const { violet, post, close } = await served({
      ack: 'immediate',
      waitUntil: (work) => void kept.push(work),
    });
    violet.on('ORDER_SHIPPED', async () => {
      await held.opened;
      finished = true;
    });
    try {
      const res = await post(delivery('ORDER_SHIPPED'));
      expect(res.status).toBe(200);
      expect(kept).toHaveLength(1);
      expect(finished).toBe(false);
      held.open();
      await kept[0];
      expect(finished).toBe(true);
    } finally {
      await close();
    }
  });

  test("a request's own waitUntil comes first", async () => {
    const option: Promise<unknown>[] = [];
    const own: Promise<unknown>[] = [];
    const violet = violetWebhooks({
      secret: SECRET,
      ack: 'immediate',
      waitUntil: (work) => void option.push(work),
    });
    violet.on('ORDER_SHIPPED', () => undefined);
    const d = delivery('ORDER_SHIPPED');
    const res = await violet.fetch(
      new Request('https://shop.example.com/', {
        method: 'POST',
        headers: d.headers,
        body: d.body,
      }),
      {},
      { waitUntil: (work: Promise<unknown>) => void own.push(work) },
    );
    expect(res.status).toBe(200);
    expect([own.length, option.length]).toEqual([1, 0]);
    await own[0];
  });

  test('a waitUntil that throws (called outside a request) changes no answer', async () => {
    let ran = 0;
    const { violet, post, close } = await served({
      ack: 'immediate',
      waitUntil: () => {
        throw new Error('`after` was called outside a request scope');
      },
    });
    violet.on('ORDER_SHIPPED', () => void ran++);
    try {
      expect((await post(delivery('ORDER_SHIPPED'))).status).toBe(200);
      await until(() => ran === 1);
    } finally {
      await close();
    }
  });

  test("a request's own waitUntil that throws changes no answer either", async () => {
    let ran = 0;
    const violet = violetWebhooks({ secret: SECRET, ack: 'immediate' });
    violet.on('ORDER_SHIPPED', () => void ran++);
    const d = delivery('ORDER_SHIPPED');
    const ctx = {
      waitUntil: () => {
        throw new Error('the context is gone');
      },
    };
    const res = await violet.fetch(
      new Request('https://shop.example.com/', {
        method: 'POST',
        headers: d.headers,
        body: d.body,
      }),
      {},
      ctx,
    );
    expect(res.status).toBe(200);
    await until(() => ran === 1);
  });

  test.each([42, 'after', {}])('%p is refused with a TypeError naming the option', (value) => {
    expect(() => violetWebhooks({ secret: SECRET, waitUntil: value as never })).toThrow(
      /option `waitUntil` must be a function/,
    );
  });
});

/** A memory store whose completions take `ms` (a store that keeps trying, a slow pool). */
class SlowCompletions extends MemoryDedupeStore implements DedupeStore {
  constructor(private readonly ms: number) {
    super();
  }
  override claim(eventId: string, options: ClaimOptions) {
    return super.claim(eventId, options);
  }
  override async complete(eventId: string, token: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.ms));
    await super.complete(eventId, token);
  }
}

describe.each(EXPRESS_VERSIONS)('a completion past the deadline (%s)', (_name, express) => {
  test('the answer is 200 at the deadline; the completion goes on and lands after it', async () => {
    const store = new SlowCompletions(1500);
    const kept: Promise<unknown>[] = [];
    const violet = violetWebhooks({
      secret: SECRET,
      dedupe: store,
      timeout: 300,
      waitUntil: (work) => void kept.push(work),
    });
    violet.on('ORDER_SHIPPED', () => undefined);
    const d = delivery('ORDER_SHIPPED');
    const started = Date.now();
    const res = await deliver(appWith(express, violet), d);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
    // Answered at the 300 ms deadline, not after the 1.5 s completion.
    expect(Date.now() - started).toBeLessThan(1400);
    expect(kept).toHaveLength(1);
    await kept[0];
    const copy = await deliver(appWith(express, violet), d);
    expect(copy.body).toEqual({ received: true, duplicate: true });
  });

  test('a quick completion is waited for, and nothing is handed over', async () => {
    const kept: Promise<unknown>[] = [];
    const violet = violetWebhooks({
      secret: SECRET,
      dedupe: new SlowCompletions(10),
      waitUntil: (work) => void kept.push(work),
    });
    violet.on('ORDER_SHIPPED', () => undefined);
    const d = delivery('ORDER_SHIPPED');
    expect((await deliver(appWith(express, violet), d)).status).toBe(200);
    expect((await deliver(appWith(express, violet), d)).body).toEqual({
      received: true,
      duplicate: true,
    });
    expect(kept).toHaveLength(0);
  });
});
