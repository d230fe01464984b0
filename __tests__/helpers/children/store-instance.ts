// One instance of an app whose store (STORE: `redis` or `postgres`) is shared with other
// processes, for the event.stale and replayGuard tests (REPLAY_GUARD=1). Prints `LISTENING
// <port>` once up, `STALE <id> <true|false|undefined>` from its listener, which waits SLOW_MS for
// ids starting `slow-` and throws for ids starting `fail-`, and `ERROR <message>` on 'error'.
import express from 'express';
import Redis from 'ioredis';
import pg from 'pg';
import { violetWebhooks, type DedupeStore } from '../../../lib';
import { PostgresDedupeStore } from '../../../lib/postgres';
import { RedisDedupeStore } from '../../../lib/redis';
import { SLOW_MS } from '../replay';
import { sleep } from '../wait';

const say = (line: string) => void process.stdout.write(`${line}\n`);

function store(): DedupeStore {
  if (process.env.STORE === 'redis') {
    const redis = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
    return new RedisDedupeStore(redis, { prefix: process.env.PREFIX });
  }
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  pool.on('error', () => undefined);
  return new PostgresDedupeStore(pool, { schema: process.env.SCHEMA });
}

const violet = violetWebhooks({
  secret: process.env.SECRET ?? '',
  dedupe: store(),
  replayGuard: process.env.REPLAY_GUARD === '1',
});
violet.on('*', async (event) => {
  say(`STALE ${event.id} ${String(event.stale)}`);
  if (event.id.startsWith('slow-')) await sleep(SLOW_MS);
  if (event.id.startsWith('fail-')) throw new Error('listener failed');
});
violet.on('error', (error) => say(`ERROR ${error.message}`));

const app = express();
app.post('/webhooks/violet', violet);
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  say(`LISTENING ${typeof address === 'object' && address !== null ? address.port : 0}`);
});
