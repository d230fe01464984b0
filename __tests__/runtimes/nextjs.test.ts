// The runtime scenario in a Next.js App Router app, built with `next build` and served by
// `next start`, with the package installed from its tarball beside next, react and react-dom.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { createDelivery } from '../../lib/testing';
import { packedProject } from '../helpers/packed-project';
import { freePort } from '../helpers/ports';
import { RUNTIME_SECRET } from './receiver';
import { runScenario, type Served } from './scenario';

const servers = path.join(__dirname, 'servers/nextjs');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', VIOLET_APP_SECRET: RUNTIME_SECRET };
const versionOf = (name: string): string =>
  (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string })
    .version;

let project = '';
beforeAll(() => {
  project = packedProject(
    'nextjs',
    ['next', 'react', 'react-dom'].map((name) => `${name}@${versionOf(name)}`),
  );
  // The receiver as JavaScript: a TypeScript file would have next build install TypeScript.
  const receiver = ts.transpileModule(readFileSync(path.join(__dirname, 'receiver.ts'), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(path.join(project, 'receiver.js'), receiver.outputText);
  mkdirSync(path.join(project, 'app/[...path]'), { recursive: true });
  mkdirSync(path.join(project, 'app/violet'), { recursive: true });
  copyFileSync(
    path.join(servers, 'catch-all-route.mjs'),
    path.join(project, 'app/[...path]/route.js'),
  );
  copyFileSync(path.join(servers, 'violet-route.mjs'), path.join(project, 'app/violet/route.js'));
  writeFileSync(
    path.join(project, 'app/layout.js'),
    'export default function RootLayout({ children }) { return children; }\n',
  );
  execFileSync(path.join(project, 'node_modules/.bin/next'), ['build'], {
    cwd: project,
    env,
    stdio: 'ignore',
  });
}, 300_000);
afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

/** `next start` on a free loopback port; resolves once it says it is ready. */
async function start(): Promise<Served> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    path.join(project, 'node_modules/.bin/next'),
    ['start', '-H', '127.0.0.1', '-p', String(port)],
    { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`next start exited with ${code}: ${out}`)));
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('Ready')) return;
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

runScenario('Next.js (App Router, next build and next start)', start);

describe('Next.js: the route handler as the README writes it', () => {
  let served: Served;
  beforeAll(async () => {
    served = await start();
  }, 120_000);
  afterAll(() => served?.stop());

  test('export const POST = violet.fetch: signed 200, forged 401', async () => {
    const post = (secret: string) => {
      const d = createDelivery({ type: 'ORDER_SHIPPED', secret, bagId: 20000 });
      return fetch(`${served.origin}/violet`, { method: 'POST', headers: d.headers, body: d.body });
    };
    const signed = await post(RUNTIME_SECRET);
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ received: true });
    expect((await post('forged')).status).toBe(401);
  });
});
