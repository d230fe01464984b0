import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { describeIfAvailable } from './needs';
import { redisAnswers } from './redis-ping';

/** Set by the global setup when a Redis answers on 127.0.0.1:6379. */
export const sharedRedisUrl = process.env.VIOLET_TEST_REDIS_URL;

/** Whether a `redis-server` binary can be started by the tests themselves. */
export const redisServerBinary = spawnSync('redis-server', ['--version']).status === 0;

/**
 * `describe` when the need is met; in CI a missing Redis fails the suite, elsewhere the suite is
 * skipped with a visible notice.
 */
export function describeWithRedis(
  name: string,
  available: boolean,
  what: string,
  fn: () => void,
): void {
  describeIfAvailable(name, available, what, '.ci/run installs and starts it', fn);
}

/**
 * {@link describeWithRedis} for the Redis on 127.0.0.1:6379 that the global setup found; `fn`
 * gets its URL.
 */
export function describeWithSharedRedis(name: string, fn: (url: string) => void): void {
  describeWithRedis(name, sharedRedisUrl !== undefined, 'Redis on 127.0.0.1:6379', () =>
    fn(sharedRedisUrl ?? ''),
  );
}

/**
 * A redis-server of the test's own, on a loopback port, that can be stopped and started again.
 * With `dir`, it keeps its data there in an append-only file written at every command, so that
 * what it acknowledged survives a kill.
 */
export class OwnRedis {
  private process: ChildProcess | undefined;

  constructor(
    readonly port: number,
    private readonly dir?: string,
  ) {}

  async start(): Promise<void> {
    const persistence =
      this.dir === undefined
        ? ['--appendonly', 'no']
        : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir];
    this.process = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(this.port), '--save', '', ...persistence],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers('127.0.0.1', this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
