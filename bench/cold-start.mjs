// `npm run bench:cold-start`: the time from a server process's start to its first answered
// delivery (a signed 4 KB order, 200), on each runtime, with the package installed from its
// tarball as users get it:
//   node     node:http serving the middleware (Node.js of this machine)
//   bun      Bun.serve serving violet.fetch
//   deno     Deno.serve serving violet.fetch, the package imported with npm:
//   workerd  a Worker bundled by wrangler --minify, served by workerd
// The clock starts just before the process is spawned and stops at the first 200: the runtime's
// own start, loading the package, creating the receiver, and one delivery (the client retries
// every 2 ms until the port takes the connection). In ROUNDS rounds (5) the runtimes take turns;
// the median of each is printed, with the lowest and highest.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bin, denoRun, packedProject } from './packed-project.mjs';
import { headersFor, idHeaderFor, orderOfSize } from './payloads.mjs';
import { post } from './post.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECRET = 'cold-start-secret';

const RECEIVER = `const violet = violetWebhooks({ secret: ${JSON.stringify(SECRET)} });
violet.on('ORDER_SHIPPED', () => undefined);`;

const FILES = {
  'node.mjs': `import http from 'node:http';
import { violetWebhooks } from 'express-violet-webhooks';
${RECEIVER}
http.createServer(violet).listen(Number(process.env.PORT), '127.0.0.1');`,
  'bun.mjs': `import { violetWebhooks } from 'express-violet-webhooks';
${RECEIVER}
Bun.serve({ port: Number(process.env.PORT), hostname: '127.0.0.1', fetch: violet.fetch });`,
  'deno.mjs': `import { violetWebhooks } from 'npm:express-violet-webhooks';
${RECEIVER}
Deno.serve({ port: Number(Deno.env.get('PORT')), hostname: '127.0.0.1', onListen() {} }, violet.fetch);`,
  'worker.mjs': `import { violetWebhooks } from 'express-violet-webhooks';
${RECEIVER}
export default { fetch: violet.fetch };`,
  'wrangler.json': JSON.stringify({
    name: 'cold-start',
    main: 'worker.mjs',
    compatibility_date: '2026-11-01',
    compatibility_flags: ['nodejs_compat'],
  }),
};

const capnp = (port) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "out/worker.js") ],
  compatibilityDate = "2026-11-01",
);
`;

const RUNTIMES = {
  node: () => [process.execPath, ['node.mjs']],
  bun: () => [bin('bun'), ['bun.mjs']],
  deno: () => denoRun('deno.mjs'),
  workerd: (port, dir) => {
    writeFileSync(path.join(dir, `config-${port}.capnp`), capnp(port));
    return [bin('workerd'), ['serve', `config-${port}.capnp`]];
  },
};

/** A project with the package installed from its tarball, the servers' files, and the Worker. */
function project() {
  const dir = packedProject('cold-start', FILES);
  execFileSync(bin('wrangler'), ['deploy', '--dry-run', '--minify', '--outdir', 'out'], {
    cwd: dir,
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  return dir;
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const body = orderOfSize(4096);
const headers = headersFor('violet', body, SECRET);

/** Milliseconds from spawning `runtime` to its first 200. */
async function coldStart(runtime, dir, n) {
  const port = await freePort();
  const [command, args] = RUNTIMES[runtime](port, dir);
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: dir,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(port), NO_COLOR: '1' },
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    const delivery = { ...headers, [idHeaderFor('violet')]: `cold-${runtime}-${n}` };
    for (;;) {
      if (exited) throw new Error(`${runtime} exited before answering`);
      const status = await post({ port, headers: delivery, body }).catch(() => undefined);
      if (status === 200) return performance.now() - started;
      if (status !== undefined) throw new Error(`${runtime} answered ${status}`);
      await sleep(2);
    }
  } finally {
    child.kill('SIGKILL');
  }
}

const dir = project();
try {
  const times = Object.fromEntries(Object.keys(RUNTIMES).map((r) => [r, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const runtime of Object.keys(RUNTIMES)) {
      times[runtime].push(await coldStart(runtime, dir, round));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`| runtime | ms to the first answered delivery, median of ${ROUNDS} | lowest | highest |
|---|---:|---:|---:|`);
  for (const [runtime, xs] of Object.entries(times)) {
    const f = (x) => x.toFixed(0);
    console.log(
      `| ${runtime} | ${f(median(xs))} | ${f(Math.min(...xs))} | ${f(Math.max(...xs))} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
