// Instructions per delivery, counted by valgrind's callgrind: a measure that other load on the
// machine does not disturb, unlike req/s on a shared machine. Each receiver runs under callgrind
// in its own process; after a warm-up the counters are zeroed, a fixed number of deliveries is
// sent from this process (not counted), and the count is read.
//
//   npm run bench:instructions -- [--only a,b] [--sizes 4,340]
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
    sizes: { type: 'string' },
    write: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const secret = 'bench-secret';
const KINDS = receiversFrom(values.only);
const SIZES = [
  { name: '4 KB', bytes: 4 * 1024, warm: 400, count: 1000 },
  { name: '340 KB', bytes: 340 * 1024, warm: 40, count: 100 },
].filter((s) => !values.sizes || values.sizes.split(',').includes(String(s.bytes / 1024)));

async function send(port, kind, body, count, offset) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const headers = headersFor(kind, body, secret);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const id = `${offset + next++}`;
      await new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: '/webhooks',
            method: 'POST',
            agent,
            headers: { ...headers, [idHeaderFor(kind)]: id, 'content-length': body.length },
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
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
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

const results = [];
for (const size of SIZES) {
  const body = orderOfSize(size.bytes);
  const rows = [];
  for (const { kind, label } of KINDS) {
    const perDelivery = await measure(kind, size, body);
    rows.push({ kind, label, instructions: perDelivery });
    console.log(
      `${size.name.padEnd(7)} ${kind.padEnd(13)} ${(perDelivery / 1e6).toFixed(3)} M instructions per delivery`,
    );
  }
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
