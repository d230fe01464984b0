// `npm run bench:postgres`: the Postgres store beside the Redis and memory stores, side by side in
// one run (4 KB orders, each delivery a new event, 32 at a time): the middleware with defaults and
// a listener that does nothing, on each store; and on the Postgres store with a listener that
// upserts one row, in a transaction of its own or through PostgresInbox.once (the servers are in
// bench/postgres-server.mjs). Target: the Postgres store >= 0.6x the Redis store. The statements
// each delivery sends to Postgres are counted by the servers.
// ROUNDS rounds of runs in rotating order after an uncounted warm-up round; ratios are taken
// within a round, the median shown. Then the ledger's rows and bytes per event, and what prune()
// costs on PRUNE_ROWS rows (default 1,000,000), and what `events --state` costs on LEDGER_ROWS
// rows without and with the ledger's indexes. Runs on DATABASE_URL (default the local `test`
// database) in a schema of its own, and REDIS_URL, under a prefix of its own; both are removed.
import Redis from 'ioredis';
import pg from 'pg';
import { acceptedPerSecond, median, rotated, startServer } from './accepted.mjs';
import { orderOfSize } from './payloads.mjs';
import { underTest } from './under-test.mjs';

const { PostgresDedupeStore } = underTest('postgres');

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 3);
const PRUNE_ROWS = Number(process.env.PRUNE_ROWS ?? 1_000_000);
const LEDGER_ROWS = Number(process.env.LEDGER_ROWS ?? 1_000_000);
const SECRET = 'bench-postgres-secret';
const SCHEMA = `vwbench_${process.pid}`;
const KINDS = ['memory', 'redis', 'postgres', 'postgres-tx', 'postgres-inbox'];
const body = orderOfSize(4 * 1024);
const pool = new pg.Pool({ connectionString: DATABASE_URL });
const store = new PostgresDedupeStore(pool, { schema: SCHEMA });
const events = `"${SCHEMA}".violet_webhook_events`;

/** The statements the server of `kind` has sent to Postgres so far. */
async function statements(kind) {
  const res = await fetch(`http://127.0.0.1:${servers[kind].port}/statements`);
  return (await res.json()).statements;
}

const rounds = [];
const servers = {};
try {
  await store.migrate();
  await pool.query(
    `CREATE TABLE "${SCHEMA}".orders (violet_id text PRIMARY KEY, status text NOT NULL)`,
  );
  for (const kind of KINDS) {
    servers[kind] = await startServer('./postgres-server.mjs', {
      KIND: kind,
      SECRET,
      REDIS_URL,
      DATABASE_URL,
      SCHEMA,
    });
  }
  const load = (kind, tag) =>
    acceptedPerSecond({ port: servers[kind].port, body, secret: SECRET, tag, seconds: SECONDS });
  for (const kind of KINDS) await load(kind, `warm-${kind}`);
  // Statements (round trips) per delivery, over one more load of each Postgres kind.
  const perDelivery = {};
  for (const kind of KINDS.filter((k) => k.startsWith('postgres'))) {
    const before = await statements(kind);
    const rps = await load(kind, `count-${kind}`);
    perDelivery[kind] = ((await statements(kind)) - before) / (rps * SECONDS);
  }
  for (let round = 0; round < ROUNDS; round++) {
    const rps = {};
    for (const kind of rotated(KINDS, round)) rps[kind] = await load(kind, `${kind}-${round}`);
    rounds.push(rps);
    console.log(
      `round ${round + 1}: ${KINDS.map((k) => `${k} ${rps[k].toFixed(0)}`).join(', ')} deliveries/s`,
    );
  }
  const ratio = (of, to) => median(rounds.map((r) => r[of] / r[to]));
  const m = (kind) => median(rounds.map((r) => r[kind])).toFixed(0);
  console.log(
    `\nPostgresDedupeStore / RedisDedupeStore: ${ratio('postgres', 'redis').toFixed(2)}x deliveries per second (target >= 0.6x)`,
  );
  console.log(`
| store (4 KB orders, median of ${ROUNDS} rounds) | deliveries/s | / Redis store | / memory store |
|---|---:|---:|---:|
${KINDS.map((k) => `| ${k} | ${m(k)} | ${ratio(k, 'redis').toFixed(2)}x | ${ratio(k, 'memory').toFixed(2)}x |`).join('\n')}
`);
  console.log(
    `Statements sent to Postgres per delivery, 32 deliveries at a time: ${KINDS.filter((k) =>
      k.startsWith('postgres'),
    )
      .map((k) => `${k} ${perDelivery[k].toFixed(2)}`)
      .join(', ')}.`,
  );

  const { rows: size } = await pool.query(
    `SELECT count(*)::int AS n, pg_total_relation_size('${events}')::bigint AS bytes FROM ${events}`,
  );
  console.log(
    `Ledger: ${size[0].n} rows, ${(Number(size[0].bytes) / size[0].n).toFixed(0)} bytes per event (table and indexes, no body).`,
  );

  // prune(): PRUNE_ROWS rows older than the retention, among as many recent ones.
  await pool.query(`TRUNCATE ${events}`);
  await pool.query(
    `INSERT INTO ${events} (event_id, type, state, received_at, done_at)
     SELECT 'old-' || i, 'ORDER_SHIPPED', 'done', now() - interval '3 days', now() - interval '3 days'
     FROM generate_series(1, $1) AS i`,
    [PRUNE_ROWS],
  );
  await pool.query(
    `INSERT INTO ${events} (event_id, type, state, received_at, done_at)
     SELECT 'new-' || i, 'ORDER_SHIPPED', 'done', now(), now() FROM generate_series(1, $1) AS i`,
    [PRUNE_ROWS],
  );
  await pool.query(`VACUUM ANALYZE ${events}`);
  const started = performance.now();
  const deleted = await store.prune();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `prune(): ${deleted} rows older than the retention deleted among ${2 * PRUNE_ROWS} in ${seconds.toFixed(1)} s (${(deleted / seconds).toFixed(0)} rows/s, batches of 10,000).`,
  );

  // `violet-webhooks events --state claimed` (store.events(), the last 24 hours by default in the
  // command) on a ledger of LEDGER_ROWS rows over 7 days, without the state and type indexes and
  // with them (what migrate adds).
  await pool.query(`TRUNCATE ${events}`);
  await pool.query(
    `INSERT INTO ${events} (event_id, type, state, received_at, done_at)
     SELECT 'evt-' || i, 'TYPE_' || (i % 20),
       CASE WHEN i % 10000 = 7 THEN 'claimed' WHEN i % 100 = 3 THEN 'failed' ELSE 'done' END,
       now() - (random() * 7 * 86400) * interval '1 second', now()
     FROM generate_series(1, $1) AS i`,
    [LEDGER_ROWS],
  );
  const since = new Date(Date.now() - 24 * 3600 * 1000);
  const query = async (filter) => {
    const ms = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      await store.events({ ...filter, since, limit: 100 });
      ms.push(performance.now() - started);
    }
    return median(ms);
  };
  await pool.query(
    `DROP INDEX "${SCHEMA}".violet_webhook_events_state, "${SCHEMA}".violet_webhook_events_type`,
  );
  await pool.query(`VACUUM ANALYZE ${events}`);
  const before = [await query({ state: 'claimed' }), await query({ type: 'TYPE_3' })];
  const indexing = performance.now();
  await store.migrate();
  const built = (performance.now() - indexing) / 1000;
  await pool.query(`ANALYZE ${events}`);
  const after = [await query({ state: 'claimed' }), await query({ type: 'TYPE_3' })];
  console.log(
    `events() on ${LEDGER_ROWS} rows, last 24 h, median of 7: --state claimed ${before[0].toFixed(1)} ms without the indexes, ${after[0].toFixed(1)} ms with them; --type ${before[1].toFixed(1)} ms, ${after[1].toFixed(1)} ms (migrate built them in ${built.toFixed(1)} s).`,
  );
} finally {
  for (const { child } of Object.values(servers)) child.kill();
  await pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await pool.end();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${SCHEMA}:*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  redis.disconnect();
}
process.exit(0);
