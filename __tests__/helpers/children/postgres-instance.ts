// One instance of an app with the Postgres store and inbox, run as its own process by the
// multi-process tests. Prints `LISTENING <port>` once up, `STARTED <id>` and `PROCESSED <id>`
// around its listener. Events whose id starts with `slow-` take SLOW_MS; those that start with
// `inbox-` write their effect through the inbox (printing `IN_TX <id>` inside the transaction,
// then waiting SLOW_MS there when the id starts with `inbox-slow-`).
import express from 'express';
import pg from 'pg';
import { violetWebhooks } from '../../../lib';
import { PostgresDedupeStore, PostgresInbox } from '../../../lib/postgres';

const schema = process.env.SCHEMA ?? 'public';
const slowMs = Number(process.env.SLOW_MS ?? 0);
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_MAX ?? 10),
});
pool.on('error', () => undefined);
const inbox = new PostgresInbox(pool, { schema });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => void process.stdout.write(`${line}\n`);

const violet = violetWebhooks({
  secret: process.env.SECRET ?? '',
  dedupe: new PostgresDedupeStore(pool, { schema, leaseMs: Number(process.env.LEASE_MS) }),
});
violet.on('*', async (event) => {
  say(`STARTED ${event.id}`);
  if (event.id.startsWith('slow-')) await sleep(slowMs);
  if (event.id.startsWith('inbox-')) {
    await inbox.once(event, async (db) => {
      await db.query(`INSERT INTO "${schema}".effects (event_id, pid) VALUES ($1, $2)`, [
        event.sourceEventId ?? event.id,
        process.pid,
      ]);
      say(`IN_TX ${event.id}`);
      if (event.id.startsWith('inbox-slow-')) await sleep(slowMs);
    });
  }
  say(`PROCESSED ${event.id}`);
});
violet.on('error', () => undefined);

const app = express();
app.post('/webhooks/violet', violet);
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  say(`LISTENING ${typeof address === 'object' && address !== null ? address.port : 0}`);
});
