// The runtime scenario on Bun and on Deno, each serving the receiver with its own server
// (Bun.serve, Deno.serve) and loading the package as installed from its tarball.
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { binary, packedProject } from '../helpers/packed-project';
import { runScenario } from './scenario';
import { startServer } from './start-server';

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
const start = (command: string, args: string[]) =>
  startServer(command, args, { cwd: project, ready: /LISTENING (\d+)/ });

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
