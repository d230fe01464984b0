import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describeIfAvailable } from './needs';
import { freePort } from './ports';
import { sharedDatabaseUrl } from './postgres';

/** The machine's `pgbouncer`, if any. */
export const pgbouncerBinary = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', 'pgbouncer'].find(
  (bin) => spawnSync(bin, ['--version']).status === 0,
);

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * `describe` when PgBouncer is installed and the shared PostgreSQL answers; in CI their absence
 * fails the suite, elsewhere the suite is skipped with a visible notice. `fn` gets the database URL.
 */
export function describeWithPgBouncer(name: string, fn: (url: string) => void): void {
  describeIfAvailable(
    name,
    pgbouncerBinary !== undefined && sharedDatabaseUrl !== undefined,
    'PgBouncer (the pgbouncer binary) and PostgreSQL on 127.0.0.1:5432',
    '.ci/run installs pgbouncer and starts PostgreSQL',
    () => fn(sharedDatabaseUrl ?? ''),
  );
}

const connects = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/**
 * A PgBouncer of the test's own, in front of the database of `databaseUrl`, on a free loopback
 * port, in the pool mode given, with a temporary configuration; never a service of the machine.
 * PgBouncer refuses to run as root, so as root it runs as the `postgres` user.
 */
export class OwnPgBouncer {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'violet-pgbouncer-'));
  private process: ChildProcess | undefined;
  private port = 0;

  constructor(
    private readonly databaseUrl: string,
    readonly mode: 'session' | 'transaction' | 'statement',
    private readonly poolSize = 20,
  ) {}

  /** The URL of the database through PgBouncer. */
  get url(): string {
    const url = new URL(this.databaseUrl);
    url.host = `127.0.0.1:${this.port}`;
    return url.toString();
  }

  async start(): Promise<void> {
    const target = new URL(this.databaseUrl);
    const database = decodeURIComponent(target.pathname.slice(1)) || 'postgres';
    const user = decodeURIComponent(target.username) || 'postgres';
    const password = decodeURIComponent(target.password);
    this.port = await freePort();
    const ini = path.join(this.dir, 'pgbouncer.ini');
    fs.writeFileSync(
      ini,
      `[databases]
${database} = host=${target.hostname} port=${target.port || '5432'} dbname=${database} user=${user}${password === '' ? '' : ` password=${password}`}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${this.port}
unix_socket_dir =
auth_type = any
pool_mode = ${this.mode}
default_pool_size = ${this.poolSize}
max_client_conn = 500
pidfile = ${path.join(this.dir, 'pgbouncer.pid')}
logfile = ${path.join(this.dir, 'pgbouncer.log')}
`,
    );
    if (asRoot) {
      fs.chmodSync(ini, 0o600);
      spawnSync('chown', ['-R', 'postgres', this.dir]);
    }
    const bin = pgbouncerBinary ?? 'pgbouncer';
    this.process = asRoot
      ? spawn('runuser', ['-u', 'postgres', '--', bin, ini], { stdio: 'ignore' })
      : spawn(bin, [ini], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await connects(this.port)) return;
      if (this.process.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`pgbouncer did not start: ${this.log()}`);
  }

  /** PgBouncer's log, for a failure's message. */
  log(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'pgbouncer.log'), 'utf8').slice(-2000);
    } catch {
      return '(no log)';
    }
  }

  /** Stops it (the process this helper started, by its pid) and removes its folder. */
  async stop(): Promise<void> {
    const pidfile = path.join(this.dir, 'pgbouncer.pid');
    const pid = fs.existsSync(pidfile) ? Number(fs.readFileSync(pidfile, 'utf8').trim()) : NaN;
    const exited =
      this.process === undefined || this.process.exitCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => this.process?.once('exit', resolve));
    try {
      if (Number.isSafeInteger(pid) && pid > 0) process.kill(pid, 'SIGINT');
      else this.process?.kill('SIGINT');
    } catch {
      // gone already
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
