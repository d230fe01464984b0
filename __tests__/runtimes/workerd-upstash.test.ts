// The runtime scenario on Cloudflare's workerd with a shared store: the Worker (bundled by wrangler
// from the package's tarball, with @upstash/redis as users install it) keeps its claims in Redis
// through Upstash's REST API, served on loopback by the test endpoint that forwards every command
// to the real Redis (helpers/upstash-rest.ts).
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { installed, packedProject } from '../helpers/packed-project';
import { describeWithSharedRedis } from '../helpers/redis';
import { UpstashRestEndpoint } from '../helpers/upstash-rest';
import type { Seen } from './receiver';
import { postDelivery, runScenario, runtimeDelivery, type Served } from './scenario';
import { bundleWorker, startWorkerd } from './workerd';

describeWithSharedRedis('workerd with RedisDedupeStore through @upstash/redis', (url) => {
  let project = '';
  let endpoint: UpstashRestEndpoint;
  let redis: Redis;
  const prefix = `test:workerd:${randomUUID()}:`;

  beforeAll(async () => {
    project = packedProject('workerd-upstash', [installed('@upstash/redis')]);
    mkdirSync(path.join(project, 'src'));
    copyFileSync(path.join(__dirname, 'receiver.ts'), path.join(project, 'src/receiver.ts'));
    copyFileSync(
      path.join(__dirname, 'servers/workerd-upstash.mjs'),
      path.join(project, 'src/worker.mjs'),
    );
    bundleWorker(project, 'src/worker.mjs');
    endpoint = await UpstashRestEndpoint.start(url);
    redis = new Redis(url, { maxRetriesPerRequest: 1 });
  }, 180_000);
  afterAll(async () => {
    await endpoint?.close();
    await redis?.quit();
    if (project !== '') rmSync(project, { recursive: true, force: true });
  });

  const start = () =>
    startWorkerd(
      project,
      {
        UPSTASH_REDIS_REST_URL: endpoint.url,
        UPSTASH_REDIS_REST_TOKEN: endpoint.token,
        VIOLET_PREFIX: prefix,
      },
      { loopbackFetch: true },
    );

  describe('the claims are in Redis, taken over HTTP from the Worker', () => {
    let worker: Served;
    beforeAll(async () => {
      worker = await start();
    }, 120_000);
    afterAll(() => worker?.stop());

    const seen = async (): Promise<Seen[]> =>
      (await (await fetch(`${worker.origin}/seen`)).json()) as Seen[];

    test('signed: 200, the listener ran, the id is done in Redis; its copy: duplicate', async () => {
      const d = runtimeDelivery('ORDER_SHIPPED', { bagId: 11111 });
      const id = d.headers['x-violet-event-id'] ?? '';
      const from = endpoint.seen.length;
      expect(await postDelivery(worker.origin, d)).toMatchObject({
        status: 200,
        body: { received: true },
      });
      expect((await seen()).map((s) => s.id)).toContain(id);
      expect(await redis.get(prefix + id)).toBe('done');
      // What the Worker's @upstash/redis sent: the claim (a script, since the event has a
      // version: SET NX PX and the entity's newest version in one step), then the completion.
      const sent = endpoint.seen.slice(from).map((s) => s.command[0]);
      // (EVALSHA, with EVAL after a NOSCRIPT where Redis had not seen the script yet.)
      expect(sent.length).toBeGreaterThanOrEqual(2);
      expect(sent.filter((command) => command !== 'EVALSHA' && command !== 'EVAL')).toEqual([]);
      expect(await postDelivery(worker.origin, d)).toMatchObject({
        status: 200,
        body: { received: true, duplicate: true },
      });
      expect((await seen()).filter((s) => s.id === id)).toHaveLength(1);
    });

    test('an id done elsewhere (another instance on the same Redis): duplicate, nothing runs', async () => {
      const d = runtimeDelivery('MERCHANT_CONNECTED');
      const id = d.headers['x-violet-event-id'] ?? '';
      await redis.set(prefix + id, 'done', 'PX', 60_000);
      expect(await postDelivery(worker.origin, d)).toMatchObject({
        status: 200,
        body: { received: true, duplicate: true },
      });
      expect((await seen()).map((s) => s.id)).not.toContain(id);
    });

    test('forged: 401, nothing runs and nothing is claimed', async () => {
      const d = runtimeDelivery('ORDER_SHIPPED', { secret: 'not-the-secret' });
      const id = d.headers['x-violet-event-id'] ?? '';
      const res = await postDelivery(worker.origin, d);
      expect([res.status, (res.body.error as { code: string }).code]).toEqual([
        401,
        'INVALID_SIGNATURE',
      ]);
      expect((await seen()).map((s) => s.id)).not.toContain(id);
      expect(await redis.get(prefix + id)).toBeNull();
    });
  });

  runScenario('Cloudflare workerd with an @upstash/redis store', start);
});
