// RedisDedupeStore with @upstash/redis, the client of runtimes without TCP sockets: several app
// instances sharing claims over Upstash's REST API, answered by an endpoint that forwards every
// command to the real Redis (helpers/upstash-rest.ts), and what happens when it fails.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Redis as UpstashRedis } from '@upstash/redis';
import Redis from 'ioredis';
import { violetWebhooks } from '../../lib';
import { RedisDedupeStore } from '../../lib/redis';
import { appWith, EXPRESS_VERSIONS, PATH } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { freePort, listenOnLoopback } from '../helpers/ports';
import { describeWithSharedRedis } from '../helpers/redis';
import { UpstashRestEndpoint } from '../helpers/upstash-rest';
import { sleep, until } from '../helpers/wait';

type Delivery = { headers: Record<string, string>; body: string };

/** A store as each serverless instance makes it: its own @upstash/redis client. */
const upstashStore = (
  endpoint: { url: string; token: string },
  prefix: string,
  commandTimeoutMs?: number,
) =>
  new RedisDedupeStore(new UpstashRedis({ url: endpoint.url, token: endpoint.token }), {
    prefix,
    ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
  });

/** An app instance on a loopback port: its answers and the events its listener ran. */
async function instance(store: RedisDedupeStore) {
  const violet = violetWebhooks({ secret: SECRET, dedupe: store });
  const ran: string[] = [];
  violet.on('*', async (event) => {
    ran.push(event.id);
    await sleep(30);
  });
  violet.on('error', () => undefined);
  const server = http.createServer(appWith(EXPRESS_VERSIONS[0][1], violet));
  const port = await listenOnLoopback(server);
  return {
    ran,
    async send(d: Delivery) {
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}${PATH}`, {
        method: 'POST',
        headers: d.headers,
        body: d.body,
      });
      const body = (await res.json()) as { error?: { code: string; message: string } };
      return { status: res.status, body, ms: Date.now() - started };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeWithSharedRedis('RedisDedupeStore through @upstash/redis', (url) => {
  let endpoint: UpstashRestEndpoint;
  let redis: Redis;
  let prefix: string;
  beforeAll(async () => {
    endpoint = await UpstashRestEndpoint.start(url);
    redis = new Redis(url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await endpoint?.close();
    await redis?.quit();
  });
  beforeEach(() => {
    prefix = `test:${randomUUID()}:`;
  });

  test('two instances, each with its own client: each event runs once, its copies get 409 or duplicate', async () => {
    const a = await instance(upstashStore(endpoint, prefix));
    const b = await instance(upstashStore(endpoint, prefix));
    try {
      const ids = Array.from({ length: 10 }, (_, i) => `upstash-multi-${i}`);
      const answers = await Promise.all(
        ids.flatMap((eventId) => {
          const d = delivery('ORDER_SHIPPED', { eventId });
          return [a.send(d), b.send(d), a.send(d), b.send(d)];
        }),
      );
      for (const answer of answers) {
        if (answer.status !== 200) {
          expect([answer.status, answer.body.error?.code]).toEqual([409, 'DUPLICATE_IN_FLIGHT']);
        }
      }
      for (const id of ids) {
        expect([...a.ran, ...b.ran].filter((x) => x === id)).toHaveLength(1);
        expect(await redis.get(prefix + id)).toBe('done');
      }
      // A later copy, to the instance that did not run it: a duplicate, and nothing runs.
      const [first = ''] = ids;
      const other = a.ran.includes(first) ? b : a;
      const later = await other.send(delivery('ORDER_SHIPPED', { eventId: first }));
      expect(later).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
      expect(other.ran).not.toContain(first);
      // Every command went over Upstash's protocol, as the client sends it by default. An
      // order event has a version (its bag's), so its claim is a script too.
      expect(endpoint.names()).toEqual(expect.arrayContaining(['EVALSHA']));
      expect(endpoint.seen.every((s) => s.path === '/pipeline' && s.base64)).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 30_000);

  test('SCRIPT FLUSH on Redis: EVALSHA answers NOSCRIPT, the store sends EVAL and completes', async () => {
    const app = await instance(upstashStore(endpoint, prefix));
    try {
      expect((await app.send(delivery('MERCHANT_CONNECTED'))).status).toBe(200);
      await redis.script('FLUSH');
      const from = endpoint.seen.length;
      const d = delivery('MERCHANT_CONNECTED');
      expect((await app.send(d)).status).toBe(200);
      const id = d.headers['x-violet-event-id'] ?? '';
      expect(await redis.get(prefix + id)).toBe('done');
      const scripts = endpoint.seen.slice(from).filter((s) => s.command[0]?.startsWith('EVAL'));
      // The claim's script (the event has a version), then the completion's.
      expect(scripts.map((s) => [s.command[0], s.error?.split(' ')[0]])).toEqual([
        ['EVALSHA', 'NOSCRIPT'],
        ['EVAL', undefined],
        ['EVALSHA', 'NOSCRIPT'],
        ['EVAL', undefined],
      ]);
      // EVAL loaded them again: the next claim and completion are one EVALSHA each.
      const next = endpoint.seen.length;
      expect((await app.send(delivery('MERCHANT_CONNECTED'))).status).toBe(200);
      expect(
        endpoint.seen
          .slice(next)
          .filter((s) => s.command[0]?.startsWith('EVAL'))
          .map((s) => [s.command[0], s.error]),
      ).toEqual([
        ['EVALSHA', undefined],
        ['EVALSHA', undefined],
      ]);
    } finally {
      await app.close();
    }
  });

  test('a wrong token: 503 DEDUPE_UNAVAILABLE, and the token is nowhere in the error', async () => {
    const store = upstashStore({ url: endpoint.url, token: 'not-the-token' }, prefix);
    const violet = violetWebhooks({ secret: SECRET, dedupe: store });
    const errors: unknown[] = [];
    violet.on('error', (err) => void errors.push(err));
    const d = delivery('ORDER_SHIPPED');
    const res = await violet.receive({ headers: d.headers, body: d.body });
    expect([res.status, (res.body as { error: { code: string } }).error.code]).toEqual([
      503,
      'DEDUPE_UNAVAILABLE',
    ]);
    const cause = (errors[0] as { cause?: Error }).cause;
    expect(cause?.message).toBe('Unauthorized');
    expect(JSON.stringify(res.body) + String(cause?.message)).not.toContain('not-the-token');
  });

  describe('when the REST endpoint fails', () => {
    const deadline = 500;

    async function expect503(store: RedisDedupeStore) {
      const app = await instance(store);
      try {
        const d = delivery('ORDER_SHIPPED');
        const answer = await app.send(d);
        expect([answer.status, answer.body.error?.code]).toEqual([503, 'DEDUPE_UNAVAILABLE']);
        expect(answer.ms).toBeLessThan(deadline + 1000);
        expect(app.ran).toEqual([]);
      } finally {
        await app.close();
      }
    }

    test('nothing listens at its address: 503 within the deadline, no listener runs', async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      await expect503(upstashStore({ url, token: endpoint.token }, prefix, deadline));
    });

    test('it takes requests and never answers: 503 within the deadline, no listener runs', async () => {
      const stalled = await UpstashRestEndpoint.start(url);
      stalled.hang();
      try {
        await expect503(upstashStore(stalled, prefix, deadline));
        expect(stalled.seen).toEqual([]);
      } finally {
        await stalled.close();
      }
    });

    test('a claim that lands after its 503 is given back: the retry is processed, not 409', async () => {
      const slow = await UpstashRestEndpoint.start(url);
      try {
        const app = await instance(upstashStore(slow, prefix, 200));
        try {
          slow.delay(400);
          const d = delivery('ORDER_SHIPPED');
          expect((await app.send(d)).status).toBe(503);
          const key = prefix + (d.headers['x-violet-event-id'] ?? '');
          // The claim (a script: the event has a version) lands late; the store then releases
          // the lease it never used.
          await until(async () => slow.names().some((name) => name.startsWith('EVAL')), 3000);
          await until(async () => (await redis.get(key)) === null, 3000);
          slow.delay(0);
          expect((await app.send(d)).status).toBe(200);
          expect(app.ran).toEqual([d.headers['x-violet-event-id']]);
        } finally {
          await app.close();
        }
      } finally {
        await slow.close();
      }
    });
  });
});
