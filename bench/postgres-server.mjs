// One server of `npm run bench:postgres`, chosen by KIND; prints `LISTENING <port>`. The
// middleware, defaults otherwise, on the de-duplication store of its KIND:
//   memory          the default MemoryDedupeStore (one instance only), a listener that does nothing
//   redis           RedisDedupeStore on REDIS_URL, a listener that does nothing
//   postgres        PostgresDedupeStore on DATABASE_URL, schema SCHEMA, a listener that does nothing
//   postgres-tx     PostgresDedupeStore, a listener that upserts an orders row in a transaction
//   postgres-inbox  PostgresDedupeStore, a listener that upserts the same row through
//                   PostgresInbox.once
// GET /statements answers how many statements the server has sent to Postgres so far.
import express from 'express';
import Redis from 'ioredis';
import pg from 'pg';
import { underTest } from './under-test.mjs';

const { violetWebhooks } = underTest();
const { PostgresDedupeStore, PostgresInbox } = underTest('postgres');
const { RedisDedupeStore } = underTest('redis');

const { KIND, SECRET, REDIS_URL, DATABASE_URL, SCHEMA } = process.env;

const pg_ = new pg.Pool({ connectionString: DATABASE_URL });
let statements = 0;
/** The pool, counting the statements sent through it. */
const pool = {
  query: (...args) => {
    statements += 1;
    return pg_.query(...args);
  },
  connect: async () => {
    const client = await pg_.connect();
    if (!client.counted) {
      const query = client.query.bind(client);
      client.query = (...args) => {
        statements += 1;
        return query(...args);
      };
      client.counted = true;
    }
    return client;
  },
};

function dedupe() {
  if (KIND === 'memory') return undefined;
  if (KIND === 'redis') {
    const redis = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    return new RedisDedupeStore(redis, { prefix: `${SCHEMA}:claims:` });
  }
  return new PostgresDedupeStore(pool, { schema: SCHEMA });
}

const violet = violetWebhooks({ secret: SECRET, dedupe: dedupe() });
const upsert = `INSERT INTO "${SCHEMA}".orders (violet_id, status) VALUES ($1, $2)
  ON CONFLICT (violet_id) DO UPDATE SET status = EXCLUDED.status`;
if (KIND === 'postgres-inbox') {
  const inbox = new PostgresInbox(pool, { schema: SCHEMA });
  violet.on('ORDER_SHIPPED', (event) =>
    inbox.once(event, (db) => db.query(upsert, [event.id, 'SHIPPED'])),
  );
} else if (KIND === 'postgres-tx') {
  violet.on('ORDER_SHIPPED', async (event) => {
    const db = await pool.connect();
    try {
      await db.query('BEGIN');
      await db.query(upsert, [event.id, 'SHIPPED']);
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    } finally {
      db.release();
    }
  });
} else {
  violet.on('ORDER_SHIPPED', async () => undefined);
}
const app = express();
app.post('/webhooks', violet);
app.get('/statements', (_req, res) => void res.json({ statements }));
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
