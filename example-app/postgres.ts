// `npm run example:postgres`: the example app on the Postgres at DATABASE_URL (default: the local
// server's `postgres` database; the one used is printed first), in schema POSTGRES_SCHEMA (default
// violet_example). It creates the tables, sends the app signed sample deliveries (a duplicate, a
// failure and its retry, a copy resent through Violet's API), prints the `orders` table, then the
// ledger as `violet-webhooks events` shows it. Then it deletes its events from the ledger and the
// inbox (and those an interrupted run left), so that nothing grows from run to run; the tables
// stay, with its order row; DROP SCHEMA removes them.
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { createDelivery } from 'express-violet-webhooks/testing';
import { listen } from './app';
import { createPostgresApp, migrate } from './postgres-app';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = process.env.POSTGRES_SCHEMA ?? 'violet_example';
const secret = 'example-postgres-secret';
const log = (line: string) => console.log(line);
/** The example's event ids start with this: its rows are found, and deleted, by it. */
const PREFIX = 'violet-example-';
const BAG_ID = 11111;

/** The database's URL as it can be shown: without its password. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(DATABASE_URL, which is not a URL)';
  }
}

/** Deletes the example's events from the ledger and the inbox: what it added, and left before. */
async function deleteOwnRows(pool: pg.Pool): Promise<void> {
  const like = [`${PREFIX}%`];
  await pool.query(`DELETE FROM "${schema}".violet_webhook_events WHERE event_id LIKE $1`, like);
  await pool.query(`DELETE FROM "${schema}".violet_webhook_inbox WHERE event_id LIKE $1`, like);
}

async function main(): Promise<number> {
  const from =
    process.env.DATABASE_URL === undefined
      ? 'the default; set DATABASE_URL for another'
      : 'DATABASE_URL';
  log(`Database: ${shown(databaseUrl)} (${from}), schema ${schema}`);
  const pool = new pg.Pool({ connectionString: databaseUrl });
  await migrate(pool, schema);
  // Each run starts from none of its rows: the ledger, the inbox, and its one order.
  await deleteOwnRows(pool);
  await pool.query(`DELETE FROM "${schema}".orders WHERE bag_id = $1`, [BAG_ID]);
  const { app, violet } = createPostgresApp(pool, schema, secret, log);
  // Another listener of refunds (an e-mail to the shopper) fails once: the answer is 500, and
  // Violet's retry runs every listener again; the inbox keeps the refund from counting twice.
  let mailServerDown = true;
  violet.on('ORDER_REFUNDED', () => {
    if (mailServerDown) {
      mailServerDown = false;
      throw new Error('mail server unavailable');
    }
  });
  const server = listen(app, 0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/violet`;
  const run = `${PREFIX}${Date.now()}`;
  const shipped = createDelivery({
    type: 'ORDER_SHIPPED',
    secret,
    bagId: BAG_ID,
    eventId: `${run}-1`,
  });
  const refund = createDelivery({
    type: 'ORDER_REFUNDED',
    secret,
    bagId: BAG_ID,
    skuId: 33332,
    eventId: `${run}-2`,
  });
  const resent = createDelivery({
    type: 'ORDER_SHIPPED',
    secret,
    bagId: BAG_ID,
    eventId: `${run}-3`,
    headers: { 'x-violet-event-id-source': `${run}-1` },
  });
  const steps = [
    ['An order shipped', shipped],
    ['The same delivery again (Violet sends duplicates)', shipped],
    ['A refund, while the e-mail listener fails', refund],
    ["Violet's retry of the refund: e-mail sent, the refund not counted twice", refund],
    ["The shipment resent through Violet's API (a new event id, the original's as source)", resent],
  ] as const;
  for (const [title, d] of steps) {
    log(`\n${title}`);
    const res = await fetch(url, { method: 'POST', headers: d.headers, body: d.body });
    log(`  -> ${res.status} ${await res.text()}`);
  }
  const { rows } = await pool.query(`SELECT * FROM "${schema}".orders ORDER BY bag_id`);
  log(`\nThe orders table:`);
  for (const row of rows) log(`  ${JSON.stringify(row)}`);
  log(`\nThe ledger: violet-webhooks events --schema ${schema}`);
  // The package's command, as `npx violet-webhooks` finds it.
  const root = path.dirname(require.resolve('express-violet-webhooks/package.json'));
  const cli = path.join(root, 'dist/cli/main.js');
  log(
    execFileSync(process.execPath, [cli, 'events', '--schema', schema, '--since', '1h'], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      encoding: 'utf8',
    }).trimEnd(),
  );
  await deleteOwnRows(pool);
  log(
    `\nThe example's events are deleted from the ledger and the inbox again; the orders table stays (DROP SCHEMA "${schema}" CASCADE removes the tables).`,
  );
  server.close();
  await pool.end();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
