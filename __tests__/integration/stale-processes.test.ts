import { randomUUID } from 'node:crypto';
import type { TestDelivery } from '../../lib/testing';
import { postTo } from '../helpers/apps';
import { Child } from '../helpers/child';
import { SECRET } from '../helpers/deliveries';
import { describeWithPostgres, migratedSchema } from '../helpers/postgres';
import { describeWithSharedRedis } from '../helpers/redis';
import { staleScenarios, type SendTo, type StaleAnswer } from '../helpers/stale';

/** Two app instances, each its own process, sharing one store. */
function twoProcesses(env: () => Record<string, string>): () => SendTo {
  let children: Child[] = [];
  beforeAll(async () => {
    children = [0, 1].map(() => new Child('store-instance.ts', { SECRET, ...env() }));
    await Promise.all(children.map((c) => c.ready));
  }, 30_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
  });
  const send: SendTo = async (i, d: TestDelivery): Promise<StaleAnswer> => {
    const child = children[i] as Child;
    const id = d.headers['x-violet-event-id'] as string;
    const { status } = await postTo(await child.ready, d);
    const line = child.lines.find((l) => l.startsWith(`STALE ${id} `));
    const seen = line?.slice(`STALE ${id} `.length);
    return {
      status,
      stale:
        seen === undefined ? 'no listener ran' : seen === 'undefined' ? undefined : seen === 'true',
    };
  };
  return () => send;
}

describeWithSharedRedis('event.stale, Redis store shared by two processes', (url) => {
  const prefix = `test:${randomUUID()}:event:`;
  staleScenarios(twoProcesses(() => ({ STORE: 'redis', REDIS_URL: url, PREFIX: prefix })));
});

describeWithPostgres('event.stale, Postgres store shared by two processes', (url) => {
  const schema = migratedSchema(url);
  staleScenarios(
    twoProcesses(() => ({ STORE: 'postgres', DATABASE_URL: url, SCHEMA: schema().name })),
  );
});
