import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The machine's PostgreSQL binaries (initdb, pg_ctl), newest version first, if any. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).sort((x, y) => Number(y) - Number(x))
    : [];
  for (const version of versions) {
    const dir = path.join(root, version, 'bin');
    if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  }
  const found = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = found.status === 0 ? found.stdout.trim() : '';
  return dir !== '' && fs.existsSync(path.join(dir, 'initdb')) ? dir : undefined;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * A PostgreSQL cluster of the test's own, in a temporary folder, on a loopback port, that can be
 * stopped and started again; never the shared server. initdb and pg_ctl refuse to run as root, so
 * as root they run as the `postgres` user.
 */
export class OwnPostgres {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'violet-pg-'));

  constructor(
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(tool: string, args: string[]): void {
    const command = [path.join(this.bin, tool), ...args];
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', ...command], { stdio: 'ignore' });
    else execFileSync(command[0] as string, command.slice(1), { stdio: 'ignore' });
  }

  /** Creates the cluster (trust authentication, user `postgres`). */
  init(): void {
    if (asRoot) execFileSync('chown', ['postgres', this.dir]);
    this.run('initdb', ['-D', path.join(this.dir, 'data'), '-U', 'postgres', '-A', 'trust']);
  }

  start(): void {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off`;
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-o', options, '-w', 'start']);
  }

  /** Stops at once, as a crash would: connections are cut, nothing is waited for. */
  stop(): void {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // stopped already
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
