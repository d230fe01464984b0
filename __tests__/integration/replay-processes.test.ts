// replayGuard across processes: two app instances, each its own process, sharing one Redis or
// one PostgreSQL schema; the same scenarios as in one process.
import { randomUUID } from 'node:crypto';
import { Child } from '../helpers/child';
import { SECRET } from '../helpers/deliveries';
import { describeWithPostgres, migratedSchema } from '../helpers/postgres';
import { describeWithSharedRedis } from '../helpers/redis';
import { post, replayScenarios, type ReplayInstances } from '../helpers/replay';

/** Two processes (helpers/children/store-instance.ts) with replayGuard, sharing one store. */
function twoProcesses(env: () => Record<string, string>): () => ReplayInstances {
  let children: Child[] = [];
  beforeAll(async () => {
    children = [0, 1].map(
      () => new Child('store-instance.ts', { SECRET, REPLAY_GUARD: '1', ...env() }),
    );
    await Promise.all(children.map((c) => c.ready));
  }, 30_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
  });
  const instances: ReplayInstances = {
    async send(i, d) {
      const answer = await post(await (children[i] as Child).ready, d);
      const ran = new RegExp(`^STALE ${d.headers['x-violet-event-id'] ?? ''} `);
      const runs = children.reduce((sum, c) => sum + c.count(ran), 0);
      return { ...answer, runs };
    },
    errors: () =>
      children.flatMap((c) => c.lines.filter((l) => l.startsWith('ERROR ')).map((l) => l.slice(6))),
  };
  return () => instances;
}

describeWithSharedRedis('replayGuard, Redis store shared by two processes', (url) => {
  const prefix = `test:${randomUUID()}:event:`;
  replayScenarios(twoProcesses(() => ({ STORE: 'redis', REDIS_URL: url, PREFIX: prefix })));
});

describeWithPostgres('replayGuard, Postgres store shared by two processes', (url) => {
  const schema = migratedSchema(url);
  replayScenarios(
    twoProcesses(() => ({ STORE: 'postgres', DATABASE_URL: url, SCHEMA: schema().name })),
  );
});
