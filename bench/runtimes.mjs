// `npm run bench:runtimes`: violet.fetch against a hand-written verify-and-parse handler
// (bench/runtime-servers/handlers.mjs) on Node.js (through @hono/node-server), Bun (Bun.serve)
// and Deno (Deno.serve), the package installed from its tarball. Each handler runs in a server
// process of its own on core 0, loaded by wrk on core 1 (1 thread, 32 connections, every delivery
// its own event id) with signed orders of 4 KB and 340 KB. ROUNDS rounds (6) of DURATION-second
// bursts (2), the two handlers taking turns in an order that alternates, shared among PROCESSES
// pairs of server processes (3) started afresh, each after one uncounted burst per handler (one
// process can run a few per cent faster or slower than another of the same code for its whole
// life); a ratio is taken within a round and the median printed first, with the target.
//
//   npm run bench:runtimes -- [--runtimes node,bun,deno] [--sizes 4,340] [--pair violet,hand]
//
// --pair names the two handlers of bench/runtime-servers/handlers.mjs to compare, the first over
// the second: `--pair hand+headers,hand` weighs one of the package's duties on its own.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bin, denoRun, packedProject, root } from './packed-project.mjs';
import { orderOfSize } from './payloads.mjs';
import { luaScript, pinned, requireWrk, roundsInSet, wrk } from './wrk.mjs';

const { values } = parseArgs({
  options: {
    runtimes: { type: 'string', default: 'node,bun,deno' },
    sizes: { type: 'string', default: '4,340' },
    pair: { type: 'string', default: 'violet,hand' },
  },
});
const [A, B] = values.pair.split(',');
if (A === undefined || B === undefined) {
  console.error('--pair takes two handlers, the first compared to the second: violet,hand');
  process.exit(2);
}
requireWrk();
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const DURATION = Number(process.env.DURATION ?? 2);
const PROCESSES = Math.max(1, Math.min(ROUNDS, Number(process.env.PROCESSES ?? 3)));
const SECRET = 'runtimes-bench-secret';
const TARGET = 0.9;
const SIZES = [
  ['4 KB', 4 * 1024],
  ['340 KB', 340 * 1024],
].filter(([, bytes]) => values.sizes.split(',').includes(String(bytes / 1024)));
const RUNTIMES = Object.fromEntries(
  [
    ['node', 'Node.js (@hono/node-server)', [process.execPath, ['node.mjs']]],
    ['bun', 'Bun (Bun.serve)', [bin('bun'), ['bun.mjs']]],
    ['deno', 'Deno (Deno.serve)', denoRun('deno.mjs')],
  ]
    .filter(([name]) => values.runtimes.split(',').includes(name))
    .map(([, label, command]) => [label, command]),
);

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
    for (const [size] of SIZES) {
      const ratios = [];
      // By position, not name: `--pair hand,hand` compares a handler with itself.
      const rps = [[], []];
      for (let set = 0; set < PROCESSES; set++) {
        // A fresh pair of processes per set, which of the two starts first alternating.
        const order = set % 2 === 0 ? [0, 1] : [1, 0];
        const running = [];
        for (const i of order) running[i] = await start(runtime, [A, B][i]);
        try {
          const burst = (i) => wrk(running[i].port, scripts[size], DURATION, 32).rps;
          burst(0);
          burst(1);
          for (let round = 0; round < roundsInSet(set, ROUNDS, PROCESSES); round++) {
            const got = [];
            for (const i of round % 2 === 0 ? order : [...order].reverse()) got[i] = burst(i);
            rps[0].push(got[0]);
            rps[1].push(got[1]);
            ratios.push(got[0] / got[1]);
          }
        } finally {
          for (const server of running) await server?.stop();
        }
      }
      results.push({ runtime, size, ratios, a: median(rps[0]), b: median(rps[1]) });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const label = (kind) =>
  kind === 'violet' ? 'violet.fetch' : kind === 'hand' ? 'hand-written' : `\`${kind}\``;
const target = A === 'violet' && B === 'hand' ? ` (target >= ${TARGET}x)` : '';
for (const r of results) {
  console.log(
    `${r.runtime}, ${r.size}: ${label(A)} / ${label(B)} ${median(r.ratios).toFixed(2)}x deliveries per second${target}`,
  );
}
console.log(`
| runtime | body | ${label(A)}, deliveries/s | ${label(B)}, deliveries/s | ratio, median of ${ROUNDS} rounds | rounds' ratios |
|---|---|---:|---:|---:|---|`);
for (const r of results) {
  console.log(
    `| ${r.runtime} | ${r.size} | ${r.a.toFixed(0)} | ${r.b.toFixed(0)} | ${median(r.ratios).toFixed(2)}x | ${r.ratios.map((x) => x.toFixed(2)).join(', ')} |`,
  );
}
