// One instance of an app that applies each order event's bag snapshot through
// `inbox.once(event, fn, { newest: true })`, run as its own process (with its own pool) by the
// multi-process tests. Prints `LISTENING <port>` once up, then `RESULT <event id> <outcome>` for
// each event (`ran`, `duplicate` or `stale`). Its `fn` writes the snapshot's time into the app's
// row of the bag (`app`), waits a little, and appends to `log` the time and the next value of
// the sequence `commit_order`, as its last statement before the commit.
import express from 'express';
import pg from 'pg';
import { violetWebhooks } from '../../../lib';
import { PostgresInbox } from '../../../lib/postgres';

const schema = process.env.SCHEMA ?? 'public';
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_MAX ?? 4),
});
pool.on('error', () => undefined);
const inbox = new PostgresInbox<pg.PoolClient>(pool, { schema });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => void process.stdout.write(`${line}\n`);

const violet = violetWebhooks({ secret: process.env.SECRET ?? '', dedupe: false });
violet.on('ORDER_UPDATED', async (event) => {
  const bag = event.bag;
  if (bag === undefined) throw new Error(`${event.id} names no bag of its order`);
  const result = await inbox.once(
    event,
    async (db) => {
      await db.query(`UPDATE "${schema}".app SET at = $1::timestamptz WHERE bag = $2`, [
        bag.date_last_modified,
        bag.id,
      ]);
      await sleep(Math.random() * 15);
      await db.query(
        `INSERT INTO "${schema}".log (bag, at, event_id, pid, seq)
        VALUES ($1, $2::timestamptz, $3, $4, nextval('"${schema}".commit_order'))`,
        [bag.id, bag.date_last_modified, event.id, process.pid],
      );
    },
    { newest: true },
  );
  say(`RESULT ${event.id} ${result.ran ? 'ran' : result.reason}`);
});
violet.on('error', () => undefined);

const app = express();
app.post('/webhooks/violet', violet);
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  say(`LISTENING ${typeof address === 'object' && address !== null ? address.port : 0}`);
});
