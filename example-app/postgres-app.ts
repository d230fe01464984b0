// The example app on Postgres: the store claims each event and keeps the ledger, and the inbox
// applies each order change to the app's own `orders` table exactly once, in one transaction
// with the inbox's row.
import express from 'express';
import type pg from 'pg';
import { violetWebhooks, type OrderEvent } from 'express-violet-webhooks';
import { PostgresDedupeStore, PostgresInbox } from 'express-violet-webhooks/postgres';
import type { Log } from './listeners';

/** Creates the package's tables (idempotent) and the app's own `orders` table. */
export async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  await new PostgresDedupeStore(pool, { schema }).migrate();
  await pool.query(`CREATE TABLE IF NOT EXISTS "${schema}".orders (
    bag_id bigint PRIMARY KEY,
    order_id bigint NOT NULL,
    status text NOT NULL,
    refunds integer NOT NULL DEFAULT 0
  )`);
}

export function createPostgresApp(pool: pg.Pool, schema: string, secret: string, log: Log) {
  const violet = violetWebhooks({ secret, dedupe: new PostgresDedupeStore(pool, { schema }) });
  const inbox = new PostgresInbox<pg.PoolClient>(pool, { schema });
  const orders = `"${schema}".orders`;
  /** Sets a bag's status, once per Violet event. */
  const setStatus = async (event: OrderEvent, status: string, refund = 0) => {
    const { ran } = await inbox.once(event, (db) =>
      db.query(
        `INSERT INTO ${orders} (bag_id, order_id, status, refunds) VALUES ($1, $2, $3, $4)
         ON CONFLICT (bag_id) DO UPDATE SET status = $3, refunds = ${orders}.refunds + $4`,
        [event.bagId, event.orderId, status, refund],
      ),
    );
    log(`  bag ${event.bagId}: ${ran ? `${status}, written` : 'applied already, nothing written'}`);
  };

  violet.on('ORDER_SHIPPED', (event) => setStatus(event, 'SHIPPED'));
  violet.on('ORDER_CANCELLED', (event) => setStatus(event, 'CANCELLED'));
  violet.on('ORDER_REFUNDED', (event) => setStatus(event, 'REFUNDED', 1));
  violet.on('error', (error) => log(`  error event: ${error.code}`));

  const app = express();
  app.post('/webhooks/violet', violet);
  return { app, violet, inbox };
}
