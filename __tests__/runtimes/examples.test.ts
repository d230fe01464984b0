// The example app's receivers for other runtimes (example-app/runtimes/), each copied into a
// project with the package installed from its tarball, run by its runtime as its README comment
// says, and sent a signed delivery (200, and the listener's line printed) and a forged one (401).
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { createDelivery } from '../../lib/testing';
import { binary, installed, packedProject } from '../helpers/packed-project';
import { freePort } from '../helpers/ports';
import { until } from '../helpers/wait';
import { buildNext, nextDependencies, startNext } from './nextjs';
import { startServer, type Started } from './start-server';
import { bundleWorker, startWorkerd } from './workerd';

const examples = path.join(__dirname, '../../example-app/runtimes');
const SECRET = 'example-runtimes-secret-41c9';

let project = '';
let nextProject = '';
beforeAll(() => {
  project = packedProject('examples', ['hono', '@hono/node-server'].map(installed));
  cpSync(examples, project, { recursive: true, filter: (from) => !from.includes('nextjs') });
  // Node.js 20 runs JavaScript: the Hono example as tsc would emit it.
  const hono = ts.transpileModule(readFileSync(path.join(examples, 'hono.ts'), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(path.join(project, 'hono.mjs'), hono.outputText);
  bundleWorker(path.join(project, 'cloudflare'));

  nextProject = packedProject(
    'examples-nextjs',
    nextDependencies(['typescript', '@types/node', '@types/react']),
  );
  cpSync(path.join(examples, 'nextjs'), nextProject, { recursive: true });
  // Built without the secret, as a CI build often is: the route makes its receiver later.
  buildNext(nextProject);
}, 400_000);
afterAll(() => {
  for (const dir of [project, nextProject])
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** Starts an example that listens on PORT and prints `listening on`. */
async function startExample(command: string, args: string[]): Promise<Started> {
  const port = await freePort();
  return startServer(command, args, {
    cwd: project,
    env: { PORT: String(port), VIOLET_APP_SECRET: SECRET },
    origin: `http://127.0.0.1:${port}`,
    ready: /listening on/,
  });
}

const EXAMPLES: [string, () => Promise<Started>][] = [
  ['Hono on Node.js (hono.ts)', () => startExample(process.execPath, ['hono.mjs'])],
  ['Bun (bun.ts)', () => startExample(binary('bun'), ['bun.ts'])],
  [
    'a Supabase Edge Function on Deno (supabase/functions/violet-webhooks/index.ts)',
    () =>
      startExample(binary('deno'), [
        'run',
        '--allow-net=127.0.0.1',
        '--allow-env',
        '--allow-read',
        '--node-modules-dir=manual',
        'supabase/functions/violet-webhooks/index.ts',
      ]),
  ],
  [
    'a Cloudflare Worker on workerd (cloudflare/worker.ts)',
    () => startWorkerd(path.join(project, 'cloudflare'), { VIOLET_APP_SECRET: SECRET }),
  ],
  [
    'a Next.js route handler (nextjs/app/webhooks/violet/route.ts)',
    () => startNext(nextProject, { VIOLET_APP_SECRET: SECRET }),
  ],
];

describe.each(EXAMPLES)('the example: %s', (_name, start) => {
  let server: Started;
  beforeAll(async () => {
    server = await start();
  }, 120_000);
  afterAll(() => server?.stop());

  const post = (secret: string) => {
    const d = createDelivery({ type: 'ORDER_SHIPPED', secret });
    const sent = fetch(`${server.origin}/webhooks/violet`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
    return { d, sent };
  };

  test('a signed delivery: 200, and the listener prints the order and its bag', async () => {
    const { d, sent } = post(SECRET);
    const res = await sent;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    const line = `order ${d.headers['x-violet-order-id']} shipped: bag ${d.headers['x-violet-bag-id']}`;
    await until(() => server.output().includes(line));
  });

  test('a forged delivery: 401', async () => {
    expect((await post('forged').sent).status).toBe(401);
  });
});
