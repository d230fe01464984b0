import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * A TypeScript script of the tests (in `helpers/children/`) run in its own process, its stdout
 * kept line by line. The script prints `READY` or `LISTENING <port>` once it is up.
 */
export class Child {
  readonly lines: string[] = [];
  readonly ready: Promise<number>;
  readonly exited: Promise<number | null>;
  private readonly process: ChildProcess;
  private readonly waiters: Array<() => void> = [];

  constructor(script: string, env: Record<string, string>) {
    this.process = spawn(
      process.execPath,
      [
        '--require',
        path.join(__dirname, 'register-ts.cjs'),
        path.join(__dirname, 'children', script),
      ],
      { env: { ...process.env, DEBUG: '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
    let buffered = '';
    this.ready = new Promise((resolve, reject) => {
      void this.exited.then((code) => reject(new Error(`${script} exited with ${code}`)));
      this.process.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          this.lines.push(line);
          const up = /^(?:READY|LISTENING (\d+))$/.exec(line);
          if (up) resolve(Number(up[1] ?? 0));
        }
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    this.ready.catch(() => undefined);
  }

  /** Lines that match, so far. */
  count(pattern: RegExp): number {
    return this.lines.filter((line) => pattern.test(line)).length;
  }

  /** Resolves once a line matches; rejects past the deadline. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (Date.now() > deadline) throw new Error(`no line matching ${pattern}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Whether it has been sent a signal, or has ended. */
  get killed(): boolean {
    return this.process.killed || this.process.exitCode !== null;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.process.exitCode === null) this.process.kill(signal);
  }
}
