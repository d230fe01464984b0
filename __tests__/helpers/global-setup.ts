import { spawn, spawnSync } from 'node:child_process';
import { redisAnswers } from './redis-ping';
import { freePort } from './ports';

/**
 * Finds a Redis for the tests that share one: the one named by VIOLET_TEST_REDIS_URL, else
 * 127.0.0.1:6379, else one started here when a redis-server binary exists (stopped in the
 * teardown). Test files read the result from VIOLET_TEST_REDIS_URL.
 */
export default async function globalSetup(): Promise<void> {
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
