// The runtime scenario on Bun and on Deno, each serving the receiver with its own server
// (Bun.serve, Deno.serve) and loading the package as installed from its tarball.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { binary, packedProject } from '../helpers/packed-project';
import { runScenario, type Served } from './scenario';

let project = '';
beforeAll(() => {
  project = packedProject('runtimes');
  for (const file of ['receiver.ts', 'servers/bun.mjs', 'servers/deno.mjs']) {
    copyFileSync(path.join(__dirname, file), path.join(project, path.basename(file)));
  }
}, 180_000);
afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

/** Starts a server process in the project; resolves once it prints `LISTENING <port>`. */
function start(command: string, args: string[]): Promise<Served> {
  const child: ChildProcess = spawn(command, args, {
    cwd: project,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${out}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\d+)/.exec(out);
      if (match === null) return;
      child.removeAllListeners('exit');
      resolve({
        origin: `http://127.0.0.1:${match[1]}`,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      });
    });
  });
}

runScenario('Bun (Bun.serve)', () => start(binary('bun'), ['bun.mjs']));

runScenario('Deno (Deno.serve, an npm: import)', () =>
  start(binary('deno'), [
    'run',
    '--allow-net=127.0.0.1',
    '--allow-read',
    '--allow-env',
    '--node-modules-dir=manual',
    'deno.mjs',
  ]),
);
