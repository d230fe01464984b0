// The runtime scenario on Cloudflare's workerd: the Worker bundled and minified by wrangler, as
// Cloudflare users bundle it (`wrangler deploy --dry-run`), from the package as installed from
// its tarball, then served by the workerd binary on a loopback port with a compatibility date of
// 2026-11-01 (Node.js compatibility is on by default from 2026-08-04). Wrangler 4.86 is the last
// to run on Node.js 20; the workerd that serves is the newest, which knows that date.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { binary, packedProject } from '../helpers/packed-project';
import { freePort } from '../helpers/ports';
import { runScenario, type Served } from './scenario';

export const COMPATIBILITY_DATE = '2026-11-01';

let project = '';
beforeAll(() => {
  project = packedProject('workerd');
  mkdirSync(path.join(project, 'src'));
  copyFileSync(path.join(__dirname, 'receiver.ts'), path.join(project, 'src/receiver.ts'));
  copyFileSync(path.join(__dirname, 'servers/workerd.mjs'), path.join(project, 'src/worker.mjs'));
  writeFileSync(
    path.join(project, 'wrangler.json'),
    JSON.stringify({
      name: 'violet-runtime',
      main: 'src/worker.mjs',
      compatibility_date: COMPATIBILITY_DATE,
      // What Cloudflare's docs tell users to set; the workerd of this date has it on anyway.
      compatibility_flags: ['nodejs_compat'],
    }),
  );
  execFileSync(binary('wrangler'), ['deploy', '--dry-run', '--outdir', 'out', '--minify'], {
    cwd: project,
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  });
}, 180_000);
afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

/** workerd's configuration: the bundled Worker, served on `port` of 127.0.0.1. */
const config = (port: number) => `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "out/worker.js") ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`;

/** Starts workerd; resolves once it says it listens. */
async function start(): Promise<Served> {
  const port = await freePort();
  writeFileSync(path.join(project, 'config.capnp'), config(port));
  const child: ChildProcess = spawn(binary('workerd'), ['serve', 'config.capnp'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`workerd exited with ${code}: ${out}`)));
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('Listening on')) return;
      child.removeAllListeners('exit');
      resolve({
        origin: `http://127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
  });
}

test('the Worker bundled and minified by wrangler is at most 40 KB gzip', () => {
  const code = readFileSync(path.join(project, 'out/worker.js'));
  expect(code.length).toBeGreaterThan(0);
  expect(gzipSync(code, { level: 9 }).length).toBeLessThanOrEqual(40 * 1024);
});

runScenario('Cloudflare workerd (a Worker bundled by wrangler)', start);
