// `npm run bench`: requests per second and latency of the receivers of bench/payloads.mjs,
// measured side by side in interleaved rounds, each server in its own process and loaded by wrk
// from another, pinned to separate cores when taskset exists. Prints the ratios the targets are
// set in first (receive() to the floor, the middleware to @octokit/webhooks and to
// express.json()), then a table with every receiver, and writes docs/bench.svg and
// docs/bench.json. The servers are started afresh `--processes` times per size (3), the rounds
// shared among these sets: a process of the same build can run some per cent faster or slower
// than another for its whole life (where its code and heap landed; `npm run bench:compare` of a
// commit against itself shows it), and a median over several sets of processes does not hang
// on one draw.
//
//   npm run bench -- [--rounds 15] [--processes 3] [--duration 2] [--connections 32] [--only a,b] [--sizes 4,340]
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { barChart } from './chart.mjs';
import { orderOfSize, receiversFrom } from './payloads.mjs';
import { luaScript, pinned, requireWrk, roundsInSet, startServer, wrk } from './wrk.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    processes: { type: 'string', default: '3' },
    duration: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string' },
    sizes: { type: 'string' },
    write: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const rounds = Number(values.rounds);
const processes = Math.max(1, Math.min(rounds, Number(values.processes)));
const duration = Number(values.duration);
const connections = Number(values.connections);
const secret = 'bench-secret';
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const work = mkdtempSync(path.join(tmpdir(), 'violet-bench-'));

requireWrk();

const KINDS = receiversFrom(values.only);
const SIZES = [
  { name: '4 KB', bytes: 4 * 1024 },
  { name: '340 KB', bytes: 340 * 1024 },
].filter((size) => !values.sizes || values.sizes.split(',').includes(String(size.bytes / 1024)));

const BASES = ['express-json', 'octokit', 'floor'];
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const samples = new Map();
for (const size of SIZES) {
  const body = orderOfSize(size.bytes);
  const bodyPath = path.join(work, `order-${size.bytes}.json`);
  writeFileSync(bodyPath, body);
  size.actual = body.length;
  for (const { kind } of KINDS) {
    writeFileSync(
      path.join(work, `${kind}-${size.bytes}.lua`),
      luaScript(kind, bodyPath, body, secret),
    );
  }
}

console.log(
  `${rounds} rounds per size, in ${processes} sets of server processes started afresh; in each round, every receiver gets a ${duration} s burst in turn (all servers up, one loaded at a time), ${connections} connections, wrk -t1${pinned ? ', servers on core 0 and wrk on core 1' : ''}`,
);
// Ratios are taken within a round, between bursts seconds apart, then the median over rounds:
// the machine's speed drifts over minutes, and a ratio of neighbours cancels most of the drift.
const ratios = new Map();
const results = [];
/** Runs one round: every receiver's burst in turn, ratios taken within the round. */
async function runRound(size, servers, round) {
  const script = (kind) => path.join(work, `${kind}-${size.bytes}.lua`);
  // Rotate the order each round, so that no receiver always runs first or last.
  const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]);
  const inRound = new Map();
  for (const { kind } of order) {
    const server = servers.get(kind);
    const before = await server.stats();
    const result = wrk(server.port, script(kind), duration, connections);
    const after = await server.stats();
    result.cpu = (after.cpu - before.cpu) / (after.requests - before.requests);
    inRound.set(kind, result);
    const key = `${kind}|${size.name}`;
    samples.set(key, [...(samples.get(key) ?? []), result]);
  }
  for (const { kind } of KINDS) {
    for (const base of BASES) {
      if (!inRound.has(base)) continue;
      const key = `${kind}|${size.name}|${base}`;
      ratios.set(key, [...(ratios.get(key) ?? []), inRound.get(kind).rps / inRound.get(base).rps]);
    }
  }
  process.stdout.write(
    `round ${String(round).padStart(2)} ${size.name.padEnd(7)} ${KINDS.map(({ kind }) => `${kind} ${Math.round(inRound.get(kind).rps)}`).join('  ')}\n`,
  );
}

for (const size of SIZES) {
  let round = 0;
  for (let set = 0; set < processes; set++) {
    const servers = new Map();
    // Which receiver starts first rotates with the set, as the order of bursts does each round.
    for (let i = 0; i < KINDS.length; i++) {
      const { kind } = KINDS[(i + set) % KINDS.length];
      servers.set(kind, await startServer(kind, secret));
    }
    try {
      for (const { kind } of KINDS) {
        wrk(servers.get(kind).port, path.join(work, `${kind}-${size.bytes}.lua`), 2, connections); // warm-up
      }
      for (let i = 0; i < roundsInSet(set, rounds, processes); i++) {
        await runRound(size, servers, ++round);
      }
    } finally {
      for (const server of servers.values()) await server.stop();
    }
  }
  const rows = KINDS.map(({ kind, label }) => {
    const list = samples.get(`${kind}|${size.name}`);
    const ratio = (base) => median(ratios.get(`${kind}|${size.name}|${base}`) ?? [NaN]);
    return {
      kind,
      label,
      rps: median(list.map((s) => s.rps)),
      p50: median(list.map((s) => s.p50)),
      p99: median(list.map((s) => s.p99)),
      cpu: median(list.map((s) => s.cpu)),
      vsExpressJson: ratio('express-json'),
      vsOctokit: ratio('octokit'),
      vsFloor: ratio('floor'),
    };
  });
  results.push({ size: size.name, bytes: size.actual, rows });
}

const times = (ratio) => (Number.isNaN(ratio) ? '-' : `${ratio.toFixed(2)}x`);
// The ratios the targets are set in, first (docs/benchmarks.md, "Where the time goes").
console.log(
  '\n| body | receive() / the floor | middleware / @octokit/webhooks | middleware / express.json() |',
);
console.log('|---|---:|---:|---:|');
for (const group of results) {
  const row = (kind) => group.rows.find((r) => r.kind === kind);
  console.log(
    `| ${group.size} | ${times(row('receive')?.vsFloor ?? NaN)} | ${times(row('violet')?.vsOctokit ?? NaN)} | ${times(row('violet')?.vsExpressJson ?? NaN)} |`,
  );
}
console.log(
  '\n| body | receiver | req/s | p50 ms | p99 ms | CPU µs/request | vs the floor | vs express.json() | vs @octokit/webhooks |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const group of results) {
  for (const row of group.rows) {
    console.log(
      `| ${group.size} | ${row.label} | ${Math.round(row.rps)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.cpu.toFixed(0)} | ${times(row.vsFloor)} | ${times(row.vsExpressJson)} | ${times(row.vsOctokit)} |`,
    );
  }
}

if (!values.write) process.exit(0);
mkdirSync(path.join(root, 'docs'), { recursive: true });
const machine = `${process.version}, ${rounds} rounds of ${duration} s in ${processes} sets of processes, ${connections} connections`;
writeFileSync(
  path.join(root, 'docs/bench.json'),
  `${JSON.stringify({ machine, results }, null, 2)}\n`,
);
writeFileSync(
  path.join(root, 'docs/bench.svg'),
  barChart(
    results,
    `Requests per second, signed Violet orders (median of ${rounds} rounds; ratio to express.json())`,
  ),
);
console.log('\nwrote docs/bench.svg and docs/bench.json');
