// Instructions per delivery, counted by valgrind's callgrind: a measure that other load on the
// machine does not disturb, unlike req/s on a shared machine. Each receiver runs under callgrind
// in its own process; after a warm-up the counters are zeroed, a fixed number of deliveries is
// sent from this process (not counted), and the count is read.
//
// What makes the count repeatable (within about 0.5 % between runs):
// - a long warm-up: V8 compiles hot code long after the first few hundred requests, and a
//   compile inside the counted window would be charged to every delivery in it;
// - node --predictable: no background compiler or GC threads, no time-driven GC heuristics;
// - one delivery at a time, so that every receiver sees the same event-loop pattern.
// User-space instructions only: the kernel's share of a request (socket writes) is not counted.
//
//   npm run bench:instructions -- [--only a,b] [--sizes 4,340] [--warm N] [--count N] [--jobs 2]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { headersFor, idHeaderFor, orderOfSize, receiversFrom } from './payloads.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    warm: { type: 'string' },
    count: { type: 'string' },
    jobs: { type: 'string', default: '2' },
    sizes: { type: 'string' },
    write: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const secret = 'bench-secret';
const KINDS = receiversFrom(values.only);
const SIZES = [
  { name: '4 KB', bytes: 4 * 1024, warm: 8000, count: 2000 },
  { name: '340 KB', bytes: 340 * 1024, warm: 400, count: 100 },
]
  .filter((s) => !values.sizes || values.sizes.split(',').includes(String(s.bytes / 1024)))
  .map((s) => ({
    ...s,
    warm: Number(values.warm ?? s.warm),
    count: Number(values.count ?? s.count),
  }));

/** Sends `count` deliveries one after another (each id new), and checks every answer. */
async function send(port, kind, body, count, offset) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = headersFor(kind, body, secret);
  for (let i = 0; i < count; i++) {
    await new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/webhooks',
          method: 'POST',
          agent,
          headers: {
            ...headers,
            [idHeaderFor(kind)]: `${offset + i}`,
            'content-length': body.length,
          },
        },
        (res) => {
          if (res.statusCode >= 300) reject(new Error(`${kind} answered ${res.statusCode}`));
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  agent.destroy();
}

async function measure(kind, size, body) {
  const dir = mkdtempSync(path.join(tmpdir(), 'violet-callgrind-'));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${dir}/cg.out`,
      process.execPath,
      '--predictable',
      path.join(root, 'bench/server.mjs'),
    ],
    {
      env: { ...process.env, KIND: kind, SECRET: secret },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const port = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      const match = /LISTENING (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
  });
  child.removeAllListeners('exit');
  await send(port, kind, body, size.warm, 0);
  execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
  await send(port, kind, body, size.count, 1_000_000);
  execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
  const dumps = readdirSync(dir).filter((f) => f.startsWith('cg.out.'));
  const text = readFileSync(path.join(dir, dumps.sort().at(-1)), 'utf8');
  const total = Number(/^(?:totals|summary): (\d+)/m.exec(text)[1]);
  await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
  return total / size.count;
}

// Counts do not depend on what else runs, so receivers are measured `--jobs` at a time.
const jobs = Math.max(1, Number(values.jobs));
const results = [];
for (const size of SIZES) {
  const body = orderOfSize(size.bytes);
  const rows = KINDS.map(({ kind, label }) => ({ kind, label, instructions: NaN }));
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      row.instructions = await measure(row.kind, size, body);
      console.log(
        `${size.name.padEnd(7)} ${row.kind.padEnd(13)} ${(row.instructions / 1e6).toFixed(3)} M instructions per delivery`,
      );
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  results.push({ size: size.name, bytes: body.length, rows });
}

console.log(
  '\n| body | receiver | M instructions per delivery | cost of express.json() / this | cost of @octokit / this |',
);
console.log('|---|---|---:|---:|---:|');
for (const group of results) {
  const of = (kind) => group.rows.find((r) => r.kind === kind)?.instructions ?? NaN;
  for (const row of group.rows) {
    console.log(
      `| ${group.size} | ${row.label} | ${(row.instructions / 1e6).toFixed(3)} | ${(of('express-json') / row.instructions).toFixed(2)}x | ${(of('octokit') / row.instructions).toFixed(2)}x |`,
    );
  }
}
if (values.write)
  writeFileSync(
    path.join(root, 'docs/bench-instructions.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
