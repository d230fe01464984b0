// `npm run bench:runtimes`: violet.fetch against a hand-written verify-and-parse handler
// (bench/runtime-servers/handlers.mjs) on Node.js (through @hono/node-server), Bun (Bun.serve)
// and Deno (Deno.serve), the package installed from its tarball. Each handler runs in a server
// process of its own on core 0, loaded by wrk on core 1 (1 thread, 32 connections, every delivery
// its own event id) with signed orders of 4 KB and 340 KB. After one uncounted burst each, ROUNDS
// rounds (5) of DURATION-second bursts (2), the two handlers taking turns in an order that
// alternates; a ratio is taken within a round and the median printed first, with the target.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bin, denoRun, packedProject, root } from './packed-project.mjs';
import { orderOfSize } from './payloads.mjs';
import { luaScript, pinned, requireWrk, wrk } from './wrk.mjs';

requireWrk();
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DURATION = Number(process.env.DURATION ?? 2);
const SECRET = 'runtimes-bench-secret';
const TARGET = 0.9;
const SIZES = [
  ['4 KB', 4 * 1024],
  ['340 KB', 340 * 1024],
];
const RUNTIMES = {
  'Node.js (@hono/node-server)': [process.execPath, ['node.mjs']],
  'Bun (Bun.serve)': [bin('bun'), ['bun.mjs']],
  'Deno (Deno.serve)': denoRun('deno.mjs'),
};

const installed = (name) =>
  `${name}@${JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version}`;
const servers = path.join(root, 'bench/runtime-servers');
const files = Object.fromEntries(
  ['handlers.mjs', 'node.mjs', 'bun.mjs', 'deno.mjs'].map((f) => [
    f,
    readFileSync(path.join(servers, f), 'utf8'),
  ]),
);
const dir = packedProject('runtimes-bench', files, ['hono', '@hono/node-server'].map(installed));

/** Starts `runtime` serving handler `kind` on core 0; resolves to its port and a stop(). */
function start(runtime, kind) {
  const [command, args] = RUNTIMES[runtime];
  const [cmd, argv] = pinned ? ['taskset', ['-c', '0', command, ...args]] : [command, args];
  const child = spawn(cmd, argv, {
    cwd: dir,
    env: { ...process.env, KIND: kind, SECRET, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${runtime} ${kind} exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      const match = /LISTENING (\d+)/.exec(chunk.toString());
      if (match === null) return;
      child.removeAllListeners('exit');
      resolve({
        port: Number(match[1]),
        stop: () => new Promise((done) => (child.once('exit', done), child.kill('SIGKILL'))),
      });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const scripts = Object.fromEntries(
  SIZES.map(([label, bytes]) => {
    const body = orderOfSize(bytes);
    const bodyPath = path.join(dir, `body-${bytes}.json`);
    const script = path.join(dir, `post-${bytes}.lua`);
    writeFileSync(bodyPath, body);
    writeFileSync(script, luaScript('violet', bodyPath, body, SECRET));
    return [label, script];
  }),
);

const results = [];
try {
  for (const runtime of Object.keys(RUNTIMES)) {
    const violet = await start(runtime, 'violet');
    const hand = await start(runtime, 'hand');
    try {
      for (const [size] of SIZES) {
        const burst = (server) => wrk(server.port, scripts[size], DURATION, 32).rps;
        burst(violet);
        burst(hand);
        const ratios = [];
        const rps = { violet: [], hand: [] };
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? ['violet', 'hand'] : ['hand', 'violet'];
          const got = {};
          for (const kind of order) got[kind] = burst(kind === 'violet' ? violet : hand);
          rps.violet.push(got.violet);
          rps.hand.push(got.hand);
          ratios.push(got.violet / got.hand);
        }
        results.push({ runtime, size, ratios, violet: median(rps.violet), hand: median(rps.hand) });
      }
    } finally {
      await violet.stop();
      await hand.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

for (const r of results) {
  console.log(
    `${r.runtime}, ${r.size}: violet.fetch / a hand-written handler ${median(r.ratios).toFixed(2)}x deliveries per second (target >= ${TARGET}x)`,
  );
}
console.log(`
| runtime | body | violet.fetch, deliveries/s | hand-written, deliveries/s | ratio, median of ${ROUNDS} rounds | rounds' ratios |
|---|---|---:|---:|---:|---|`);
for (const r of results) {
  console.log(
    `| ${r.runtime} | ${r.size} | ${r.violet.toFixed(0)} | ${r.hand.toFixed(0)} | ${median(r.ratios).toFixed(2)}x | ${r.ratios.map((x) => x.toFixed(2)).join(', ')} |`,
  );
}
