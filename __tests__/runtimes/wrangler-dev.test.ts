// The Cloudflare example (example-app/runtimes/cloudflare) run as its comment tells a user to:
// the secret in .dev.vars, then `wrangler dev`, with the wrangler that npm installs on each
// Node.js: on Node.js 20 the project's own (4.86, the last that runs there, whose workerd knows
// compatibility dates up to 2026-05-03), on Node.js 22 the newest (installed by `npm test` into
// wrangler-node22/ with Node.js 22's engines).
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDelivery } from '../../lib/testing';
import { describeIfAvailable } from '../helpers/needs';
import { packedProject } from '../helpers/packed-project';
import { freePort } from '../helpers/ports';
import { until } from '../helpers/wait';
import { startServer, type Started } from './start-server';

const root = path.join(__dirname, '../..');
const example = path.join(root, 'example-app/runtimes/cloudflare');
const node22 = path.join(__dirname, 'node-versions/node_modules/node22/bin/node');
const wrangler = (modules: string) => path.join(modules, 'wrangler/bin/wrangler.js');
const SECRET = 'wrangler-dev-secret-7d1e';

const NODES = [
  ['Node.js 20 (wrangler 4.86)', process.execPath, wrangler(path.join(root, 'node_modules'))],
  [
    'Node.js 22 (the newest wrangler)',
    node22,
    wrangler(path.join(__dirname, 'wrangler-node22/node_modules')),
  ],
] as const;

let project = '';
beforeAll(() => {
  project = packedProject('wrangler-dev');
  cpSync(example, project, { recursive: true });
  // Where Cloudflare's docs keep a Worker's secrets for `wrangler dev`.
  writeFileSync(path.join(project, '.dev.vars'), `VIOLET_APP_SECRET=${SECRET}\n`);
}, 180_000);
afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

for (const [name, node, bin] of NODES) {
  describeIfAvailable(
    `wrangler dev on ${name}`,
    existsSync(node) && existsSync(bin),
    `${node} and ${bin}`,
    'npm test installs them (node scripts/install-node-versions.mjs)',
    () => {
      let server: Started;
      beforeAll(async () => {
        const port = await freePort();
        server = await startServer(node, [bin, 'dev', '--ip', '127.0.0.1', '--port', `${port}`], {
          cwd: project,
          origin: `http://127.0.0.1:${port}`,
          env: { WRANGLER_SEND_METRICS: 'false', CI: '1' },
          ready: /Ready on http/,
          group: true,
        });
      }, 120_000);
      afterAll(() => server?.stop());

      test(`the binary is ${name.slice(0, 10)}`, async () => {
        const { execFileSync } = await import('node:child_process');
        const major = name.includes('22') ? 22 : 20;
        expect(execFileSync(node, ['--version']).toString()).toMatch(new RegExp(`^v${major}\\.`));
      });

      test('a signed delivery: 200, and the listener prints the order and its bag', async () => {
        const d = createDelivery({ type: 'ORDER_SHIPPED', secret: SECRET });
        const res = await fetch(`${server.origin}/webhooks/violet`, {
          method: 'POST',
          headers: d.headers,
          body: d.body,
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ received: true });
        const line = `order ${d.headers['x-violet-order-id']} shipped: bag ${d.headers['x-violet-bag-id']}`;
        await until(() => server.output().includes(line));
      });

      test('a forged delivery: 401', async () => {
        const d = createDelivery({ type: 'ORDER_SHIPPED', secret: 'forged' });
        const res = await fetch(`${server.origin}/webhooks/violet`, {
          method: 'POST',
          headers: d.headers,
          body: d.body,
        });
        expect(res.status).toBe(401);
      });
    },
  );
}
