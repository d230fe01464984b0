import { spawn } from 'node:child_process';
import type { Served } from './scenario';

/** A server process the test started: its origin, what it printed so far, and how to stop it. */
export interface Started extends Served {
  output(): string;
}

export interface StartOptions {
  cwd: string;
  /** Its origin, http://127.0.0.1:PORT, when the test chose the port. */
  origin?: string;
  env?: NodeJS.ProcessEnv;
  /** What it prints once it listens; `LISTENING <port>` gives the origin when none is given. */
  ready: RegExp;
  /** Stop its children too (wrangler runs workerd): a process group of its own, killed whole. */
  group?: boolean;
}

/**
 * Starts `command` and resolves once its output (stdout and stderr) matches `ready`; rejects if
 * it exits first, with what it printed.
 */
export function startServer(
  command: string,
  args: string[],
  options: StartOptions,
): Promise<Started> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    detached: options.group === true,
  });
  const kill = (): void => {
    try {
      if (options.group === true && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      child.kill('SIGKILL'); // the group is gone already
    }
  };
  let out = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${out}`)));
    let started = false;
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = options.ready.exec(out);
      if (started || match === null) return;
      started = true;
      child.removeAllListeners('exit');
      resolve({
        origin: options.origin ?? `http://127.0.0.1:${match[1]}`,
        output: () => out,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            kill();
          }),
      });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
  });
}
