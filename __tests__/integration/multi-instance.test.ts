import { postTo } from '../helpers/apps';
import { Child } from '../helpers/child';
import { SECRET, delivery } from '../helpers/deliveries';
import { sleep, until } from '../helpers/wait';
import { describeWithRedis, OwnRedis, redisServerBinary } from '../helpers/redis';
import { freePort } from '../helpers/ports';

const LEASE_MS = 1500;
const SLOW_MS = 60_000;

/** An app instance in its own process, and what its listener reported. */
class Instance {
  private readonly child: Child;
  readonly ready: Promise<number>;

  constructor(redisPort: number) {
    this.child = new Child('instance-worker.ts', {
      REDIS_PORT: String(redisPort),
      SECRET,
      LEASE_MS: String(LEASE_MS),
      SLOW_MS: String(SLOW_MS),
    });
    this.ready = this.child.ready;
  }

  private reported(line: string): number {
    return this.child.lines.filter((l) => l === line).length;
  }

  processed(id: string): number {
    return this.reported(`PROCESSED ${id}`);
  }

  started(id: string): number {
    return this.reported(`STARTED ${id}`);
  }

  async send(d: { headers: Record<string, string>; body: string }): Promise<number> {
    return (await postTo(await this.ready, d)).status;
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.child.exited;
  }
}

describeWithRedis(
  'several app processes sharing one real Redis',
  redisServerBinary,
  'the redis-server binary',
  () => {
    let redis: OwnRedis;
    let a: Instance;
    let b: Instance;

    beforeAll(async () => {
      redis = new OwnRedis(await freePort());
      await redis.start();
      a = new Instance(redis.port);
      b = new Instance(redis.port);
      await Promise.all([a.ready, b.ready]);
    }, 30_000);

    afterAll(async () => {
      await Promise.all([a?.kill(), b?.kill()]);
      await redis?.stop();
    });

    test('concurrent copies sent to both instances are processed exactly once', async () => {
      const ids: string[] = [];
      const sends: Promise<number>[] = [];
      for (let i = 0; i < 30; i++) {
        const d = delivery('ORDER_SHIPPED', { eventId: `multi-${i}` });
        ids.push(`multi-${i}`);
        const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
        for (let copy = 0; copy < 4; copy++) sends.push((copy % 2 === 0 ? first : second).send(d));
      }
      const statuses = await Promise.all(sends);
      expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
      // Output lines travel apart from the answers: wait for them, then for any stray second one.
      await until(() => ids.every((id) => a.processed(id) + b.processed(id) >= 1), 5000);
      await sleep(200);
      for (const id of ids) expect(a.processed(id) + b.processed(id)).toBe(1);
    });

    test('killing the process that holds a claim lets the other take over after the lease', async () => {
      const victim = new Instance(redis.port);
      await victim.ready;
      const d = delivery('ORDER_SHIPPED', { eventId: 'slow-crash-1' });
      void victim.send(d).catch(() => undefined);
      await until(() => victim.started('slow-crash-1') === 1, 5000);
      await victim.kill();
      const killedAt = Date.now();
      expect(await a.send(d)).toBe(409);
      await sleep(Math.max(0, LEASE_MS - (Date.now() - killedAt)) + 200);
      // The claim expired: `a` processes it (slowly, so the answer is 503 and work goes on).
      const takeover = a.send(d);
      await until(() => a.started('slow-crash-1') === 1, 5000);
      expect(victim.processed('slow-crash-1')).toBe(0);
      void takeover.catch(() => undefined);
    }, 30_000);

    test('Redis stopped: 503 and no listener call; Redis back: the retry is processed', async () => {
      const d = delivery('MERCHANT_CONNECTED', { eventId: 'redis-outage-1' });
      await redis.stop();
      const started = Date.now();
      expect(await a.send(d)).toBe(503);
      expect(await b.send(d)).toBe(503);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(a.started('redis-outage-1') + b.started('redis-outage-1')).toBe(0);
      await redis.start();
      let status = 0;
      const deadline = Date.now() + 10_000;
      while (status !== 200 && Date.now() < deadline) {
        status = await a.send(d);
        if (status !== 200) await sleep(100);
      }
      expect(status).toBe(200);
      expect(a.processed('redis-outage-1')).toBe(1);
      expect(await b.send(d)).toBe(200);
      expect(b.processed('redis-outage-1')).toBe(0);
    }, 30_000);
  },
);
