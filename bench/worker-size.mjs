// `npm run bench:size`: the size of a minimal Cloudflare Worker that receives signed webhooks,
// bundled and minified by wrangler (`wrangler deploy --dry-run --minify`) as Cloudflare users
// bundle it, for this package and for three peers, each Worker doing the least a receiver does:
// verify the signature, parse, and hand the event to one listener.
//   violet            violetWebhooks(): export default { fetch: violet.fetch }
//   @octokit/webhooks createWebMiddleware(new Webhooks({ secret }))
//   standardwebhooks  new Webhook(secret).verify(body, headers)
//   svix              new Webhook(secret).verify(body, headers)
// Prints bytes and gzip (zlib, level 9) of each bundle; the target for this package is 40 KB
// gzip. This package is built first and bundled through its own exports (a self-reference from a
// folder of the repository), the peers from the bench's own dependencies (bench/package.json).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const TARGET_KB = 40;

const LISTEN = `(event) => console.log(event.id)`;

/** A Worker for a library whose `Webhook(secret).verify(body, headers)` verifies and parses. */
const verifyingWorker = (library, secret) => `import { Webhook } from '${library}';
const webhook = new Webhook('${secret}');
const listen = ${LISTEN};
export default {
  async fetch(request) {
    const body = await request.text();
    try {
      listen(webhook.verify(body, Object.fromEntries(request.headers)));
    } catch {
      return new Response('bad signature', { status: 401 });
    }
    return new Response('ok');
  },
};`;
const WORKERS = {
  violet: `import { violetWebhooks } from 'express-violet-webhooks';
const violet = violetWebhooks({ secret: 'a-secret' });
violet.on('ORDER_SHIPPED', ${LISTEN});
export default { fetch: violet.fetch };`,
  '@octokit/webhooks': `import { Webhooks, createWebMiddleware } from '@octokit/webhooks';
const webhooks = new Webhooks({ secret: 'a-secret' });
webhooks.on('push', ${LISTEN});
const middleware = createWebMiddleware(webhooks, { path: '/webhooks' });
export default { fetch: (request) => middleware(request) };`,
  standardwebhooks: verifyingWorker('standardwebhooks', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
  svix: verifyingWorker('svix', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
};

/**
 * Bundles one Worker with wrangler in a folder under `under` (the repository for this package,
 * bench/ for the peers, so that each import resolves); returns its bytes.
 */
export function bundle(name, source, under = root) {
  const dir = path.join(under, '.tmp', `worker-size-${name.replace(/\W/g, '-')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'worker.js'), source);
  writeFileSync(
    path.join(dir, 'wrangler.json'),
    JSON.stringify({
      name: 'size',
      main: 'worker.js',
      compatibility_date: '2026-11-01',
      compatibility_flags: ['nodejs_compat'],
    }),
  );
  execFileSync(
    path.join(root, 'node_modules/.bin/wrangler'),
    ['deploy', '--dry-run', '--minify', '--outdir', 'out'],
    { cwd: dir, stdio: 'ignore', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  const code = readFileSync(path.join(dir, 'out/worker.js'));
  rmSync(dir, { recursive: true, force: true });
  return { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const kb = (n) => (n / 1024).toFixed(1);
  const bench = path.join(root, 'bench');
  const sizes = Object.entries(WORKERS).map(([name, source]) => [
    name,
    bundle(name, source, name === 'violet' ? root : bench),
  ]);
  const own = sizes[0][1];
  console.log(
    `violet.fetch Worker: ${kb(own.gzip)} KB gzip (target <= ${TARGET_KB} KB), ${kb(own.bytes)} KB minified`,
  );
  console.log(`
| minimal Worker, bundled by wrangler --minify | KB minified | KB gzip |
|---|---:|---:|
${sizes.map(([name, s]) => `| ${name} | ${kb(s.bytes)} | ${kb(s.gzip)} |`).join('\n')}`);
}
