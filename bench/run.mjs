// `npm run bench`: requests per second and latency of four receivers, measured side by side in
// interleaved rounds, each server in its own process and loaded by wrk from another, pinned to
// separate cores when taskset exists. Prints a table with the ratios to express.json() and to
// @octokit/webhooks, and writes docs/bench.svg and docs/bench.json.
//
//   npm run bench -- [--rounds 3] [--duration 5] [--connections 32]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { barChart } from './chart.mjs';
import { githubSignature, orderOfSize, violetSignature } from './payloads.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string' },
    sizes: { type: 'string' },
    write: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const connections = Number(values.connections);
const secret = 'bench-secret';
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const work = mkdtempSync(path.join(tmpdir(), 'violet-bench-'));

if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is needed: apt-get install -y wrk');
  process.exit(1);
}
const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const pin = (core, command, args) =>
  pinned ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];

const ALL_KINDS = [
  { kind: 'express-json', label: 'express.json() bare route' },
  { kind: 'violet', label: 'express-violet-webhooks' },
  { kind: 'octokit', label: '@octokit/webhooks middleware' },
  { kind: 'receive', label: 'receive() on node:http' },
  { kind: 'octokit-http', label: '@octokit/webhooks on node:http' },
];
// --only violet,express-json: a quicker run of some receivers (the table needs express-json and octokit).
const KINDS = values.only
  ? ALL_KINDS.filter((k) => values.only.split(',').includes(k.kind))
  : ALL_KINDS;
const SIZES = [
  { name: '4 KB', bytes: 4 * 1024 },
  { name: '340 KB', bytes: 340 * 1024 },
].filter((size) => !values.sizes || values.sizes.split(',').includes(String(size.bytes / 1024)));

function luaScript(kind, bodyPath, body) {
  const headers = kind.startsWith('octokit')
    ? { 'x-github-event': 'push', 'x-hub-signature-256': githubSignature(body, secret) }
    : {
        'x-violet-hmac': violetSignature(body, secret),
        'x-violet-topic': 'ORDER_SHIPPED',
        'x-violet-order-id': '12345',
        'x-violet-bag-id': '20000',
        'x-violet-sku-id': '33331',
      };
  const idHeader = kind.startsWith('octokit') ? 'x-github-delivery' : 'x-violet-event-id';
  return `local f = assert(io.open(${JSON.stringify(bodyPath)}, "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
${Object.entries(headers)
  .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
  .join('\n')}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
function request()
  counter = counter + 1
  wrk.headers["${idHeader}"] = string.format("%d%012d", tid, counter)
  return wrk.format(nil, "/webhooks")
end
`;
}

async function startServer(kind) {
  const [command, args] = pin(0, process.execPath, [path.join(root, 'bench/server.mjs')]);
  const child = spawn(command, args, {
    env: { ...process.env, KIND: kind, SECRET: secret },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let onStats;
  const port = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString();
      const listening = /LISTENING (\d+)/.exec(text);
      if (listening) resolve(Number(listening[1]));
      const stats = /STATS (\d+) (\d+)/.exec(text);
      if (stats) onStats?.({ cpu: Number(stats[1]), requests: Number(stats[2]) });
    });
  });
  child.removeAllListeners('exit');
  return {
    port,
    stats: () => new Promise((resolve) => ((onStats = resolve), child.kill('SIGUSR2'))),
    stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
  };
}

function wrk(port, script, seconds) {
  const [command, args] = pin(1, 'wrk', [
    '-t1',
    `-c${connections}`,
    `-d${seconds}s`,
    '--latency',
    '-s',
    script,
    `http://127.0.0.1:${port}/webhooks`,
  ]);
  const out = execFileSync(command, args, { encoding: 'utf8' });
  const ms = (text) => {
    const [, value, unit] = /([\d.]+)(us|ms|s)/.exec(text) ?? [];
    return Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);
  };
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (bad) throw new Error(`${bad[1]} answers were not 2xx:\n${out}`);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
    p50: ms(/^\s+50%\s+(\S+)/m.exec(out)[1]),
    p99: ms(/^\s+99%\s+(\S+)/m.exec(out)[1]),
  };
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const samples = new Map();
for (const size of SIZES) {
  const body = orderOfSize(size.bytes);
  const bodyPath = path.join(work, `order-${size.bytes}.json`);
  writeFileSync(bodyPath, body);
  size.actual = body.length;
  for (const { kind } of KINDS) {
    writeFileSync(path.join(work, `${kind}-${size.bytes}.lua`), luaScript(kind, bodyPath, body));
  }
}

console.log(
  `${rounds} interleaved rounds of ${duration} s per receiver and size, ${connections} connections, wrk -t1${pinned ? ', server on core 0 and wrk on core 1' : ''}`,
);
for (let round = 1; round <= rounds; round++) {
  for (const size of SIZES) {
    // Rotate the order each round, so that no receiver always runs first or last.
    const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]);
    for (const { kind } of order) {
      const server = await startServer(kind);
      const script = path.join(work, `${kind}-${size.bytes}.lua`);
      try {
        wrk(server.port, script, 2); // warm-up
        const before = await server.stats();
        const result = wrk(server.port, script, duration);
        const after = await server.stats();
        result.cpu = (after.cpu - before.cpu) / (after.requests - before.requests);
        const key = `${kind}|${size.name}`;
        samples.set(key, [...(samples.get(key) ?? []), result]);
        process.stdout.write(
          `round ${round} ${size.name.padEnd(7)} ${kind.padEnd(13)} ${String(Math.round(result.rps)).padStart(6)} req/s ${result.cpu.toFixed(0).padStart(6)} µs CPU/request\n`,
        );
      } finally {
        await server.stop();
      }
    }
  }
}

const results = SIZES.map((size) => {
  const rows = KINDS.map(({ kind, label }) => {
    const list = samples.get(`${kind}|${size.name}`);
    return {
      kind,
      label,
      rps: median(list.map((s) => s.rps)),
      p50: median(list.map((s) => s.p50)),
      p99: median(list.map((s) => s.p99)),
      cpu: median(list.map((s) => s.cpu)),
    };
  });
  return { size: size.name, bytes: size.actual, rows };
});

console.log(
  '\n| body | receiver | req/s | p50 ms | p99 ms | CPU µs/request | req/s vs express.json() | req/s vs @octokit | CPU: express.json() / this | CPU: @octokit / this |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const group of results) {
  const base = group.rows.find((r) => r.kind === 'express-json')?.rps ?? NaN;
  const octokit = group.rows.find((r) => r.kind === 'octokit')?.rps ?? NaN;
  const baseCpu = group.rows.find((r) => r.kind === 'express-json')?.cpu ?? NaN;
  const octokitCpu = group.rows.find((r) => r.kind === 'octokit')?.cpu ?? NaN;
  for (const row of group.rows) {
    console.log(
      `| ${group.size} | ${row.label} | ${Math.round(row.rps)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.cpu.toFixed(0)} | ${(row.rps / base).toFixed(2)}x | ${(row.rps / octokit).toFixed(2)}x | ${(baseCpu / row.cpu).toFixed(2)}x | ${(octokitCpu / row.cpu).toFixed(2)}x |`,
    );
  }
}

if (!values.write) process.exit(0);
mkdirSync(path.join(root, 'docs'), { recursive: true });
const machine = `${process.version}, ${rounds} rounds of ${duration} s, ${connections} connections`;
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
