import { spawn, spawnSync } from 'node:child_process';
import pg from 'pg';
import { redisAnswers } from './redis-ping';
import { freePort } from './ports';

/** Whether a PostgreSQL answers at `url`. */
async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Finds the PostgreSQL of the tests: the one named by VIOLET_TEST_DATABASE_URL, else the local
 * one on 127.0.0.1:5432, database `test`. Test files read the result from
 * VIOLET_TEST_DATABASE_URL.
 */
async function findPostgres(): Promise<void> {
  const url = process.env.VIOLET_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (await postgresAnswers(url)) process.env.VIOLET_TEST_DATABASE_URL = url;
  else delete process.env.VIOLET_TEST_DATABASE_URL;
}

/**
 * Finds a Redis for the tests that share one: the one named by VIOLET_TEST_REDIS_URL, else
 * 127.0.0.1:6379, else one started here when a redis-server binary exists (stopped in the
 * teardown). Test files read the result from VIOLET_TEST_REDIS_URL.
 */
export default async function globalSetup(): Promise<void> {
  await findPostgres();
  const url = process.env.VIOLET_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const { hostname, port } = new URL(url);
  if (await redisAnswers(hostname, Number(port || 6379))) {
    process.env.VIOLET_TEST_REDIS_URL = url;
    return;
  }
  delete process.env.VIOLET_TEST_REDIS_URL;
  if (spawnSync('redis-server', ['--version']).status !== 0) return;
  const ownPort = await freePort();
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(ownPort), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
      detached: false,
    },
  );
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers('127.0.0.1', ownPort)) {
      process.env.VIOLET_TEST_REDIS_URL = `redis://127.0.0.1:${ownPort}`;
      process.env.VIOLET_TEST_REDIS_PID = String(child.pid);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
}
