// replayGuard on the shared stores: two app instances in this process, each with its own store
// object and client, over one Redis (ioredis, and @upstash/redis through a REST endpoint that
// forwards every command to it) or one PostgreSQL schema.
import { randomUUID } from 'node:crypto';
import { Redis as UpstashRedis } from '@upstash/redis';
import Redis from 'ioredis';
import { PostgresDedupeStore } from '../../lib/postgres';
import { RedisDedupeStore } from '../../lib/redis';
import { describeWithPostgres, migratedSchema } from '../helpers/postgres';
import { describeWithSharedRedis } from '../helpers/redis';
import { inProcess, replayScenarios } from '../helpers/replay';
import { UpstashRestEndpoint } from '../helpers/upstash-rest';

describeWithSharedRedis('replayGuard, Redis store (ioredis), two instances', (url) => {
  const prefix = `test:${randomUUID()}:event:`;
  const clients: Redis[] = [];
  afterAll(() => Promise.all(clients.map((c) => c.quit())));
  replayScenarios(
    inProcess(() => {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      clients.push(client);
      return new RedisDedupeStore(client, { prefix });
    }),
  );

  test('the content key sits beside the event keys, done once processed', async () => {
    const [client] = clients;
    const keys = await client!.keys(`${prefix.slice(0, -'event:'.length)}replay:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(await client!.get(keys[0]!)).toMatch(/^(done|lease:[0-9a-f-]+)\|/);
  });
});

describeWithSharedRedis('replayGuard, Redis store (@upstash/redis), two instances', (url) => {
  const prefix = `test:${randomUUID()}:event:`;
  let endpoint: UpstashRestEndpoint;
  beforeAll(async () => {
    endpoint = await UpstashRestEndpoint.start(url);
  });
  afterAll(() => endpoint?.close());
  replayScenarios(
    inProcess(
      () =>
        new RedisDedupeStore(new UpstashRedis({ url: endpoint.url, token: endpoint.token }), {
          prefix,
        }),
    ),
  );
});

describeWithPostgres('replayGuard, Postgres store, two instances', (url) => {
  const schema = migratedSchema(url);
  replayScenarios(
    inProcess(() => new PostgresDedupeStore(schema().pool, { schema: schema().name })),
  );

  test('the ledger records each claim with its content key; a refused copy adds no row', async () => {
    const { rows } = await schema().pool.query<{ n: string; keys: string }>(
      `SELECT count(*) AS n, count(DISTINCT replay_key) AS keys FROM "${schema().name}".violet_webhook_events`,
    );
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    expect(Number(rows[0]?.keys)).toBeGreaterThan(0);
  });
});
