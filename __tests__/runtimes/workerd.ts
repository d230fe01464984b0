// Cloudflare's workerd for the runtime tests: a Worker bundled by wrangler as Cloudflare users
// bundle it (`wrangler deploy --dry-run --minify`), served by the workerd binary on loopback.
// Wrangler 4.86 is the last to run on Node.js 20; the workerd that serves is the newest, which
// knows the compatibility date (Node.js compatibility is on by default from 2026-08-04).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { binary } from '../helpers/packed-project';
import { freePort } from '../helpers/ports';
import { startServer, type Started } from './start-server';

export const COMPATIBILITY_DATE = '2026-11-01';

/**
 * Bundles the Worker whose entry is `main` (relative to `project`) into out/worker.js; without
 * `main`, as the project's own wrangler.json says.
 */
export function bundleWorker(project: string, main?: string): void {
  if (main !== undefined) {
    writeFileSync(
      path.join(project, 'wrangler.json'),
      JSON.stringify({
        name: 'violet-runtime',
        main,
        compatibility_date: COMPATIBILITY_DATE,
        // What Cloudflare's docs tell users to set; the workerd of this date has it on anyway.
        compatibility_flags: ['nodejs_compat'],
      }),
    );
  }
  execFileSync(binary('wrangler'), ['deploy', '--dry-run', '--outdir', 'out', '--minify'], {
    cwd: project,
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  });
}

/**
 * workerd's configuration: the bundled Worker with text `bindings`, on `port` of 127.0.0.1. With
 * `loopbackFetch`, the Worker's own `fetch` may reach 127.0.0.1 (workerd's default network allows
 * public addresses only), for a service the test serves there.
 */
const config = (port: number, bindings: Record<string, string>, loopbackFetch: boolean) => {
  const texts = Object.entries(bindings).map(
    ([name, text]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)})`,
  );
  const network = loopbackFetch ? `, (name = "loopback", network = (allow = ["local"]))` : '';
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker)${network} ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "out/worker.js") ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [ ${texts.join(', ')} ],${loopbackFetch ? '\n  globalOutbound = "loopback",' : ''}
);
`;
};

/** Serves the bundled Worker of `project` with workerd; resolves once it listens. */
export async function startWorkerd(
  project: string,
  bindings: Record<string, string> = {},
  options: { loopbackFetch?: boolean } = {},
): Promise<Started> {
  const port = await freePort();
  writeFileSync(
    path.join(project, 'config.capnp'),
    config(port, bindings, options.loopbackFetch === true),
  );
  return startServer(binary('workerd'), ['serve', 'config.capnp'], {
    cwd: project,
    origin: `http://127.0.0.1:${port}`,
    ready: /Listening on/,
  });
}
