// Compiled, never run: a node-postgres pool fits the Postgres store and inbox; the inbox hands its
// function the client type named (TypeScript cannot infer it through pg's overloaded connect).
import pg from 'pg';
import { PostgresDedupeStore, PostgresInbox } from '../../lib/postgres';

const pool = new pg.Pool();
new PostgresDedupeStore(pool, { schema: 'webhooks', keepBody: true });
void new PostgresInbox(pool).once({ id: '1', type: 'ORDER_SHIPPED' }, (db) =>
  db.query('UPDATE orders SET status = $1', ['SHIPPED']),
);
const inbox = new PostgresInbox<pg.PoolClient>(pool);
void inbox.once({ id: '1', type: 'ORDER_SHIPPED' }, (client) => {
  const typed: pg.PoolClient = client;
  return typed.query('SELECT 1');
});
// @ts-expect-error a client alone is no pool
new PostgresDedupeStore(new pg.Client());
