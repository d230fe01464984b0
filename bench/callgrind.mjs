// Instructions per delivery of one receiver, counted by valgrind's callgrind: after a warm-up
// the counters are zeroed, a fixed number of deliveries is sent from this process (not
// counted), and the count is read. Used by bench:instructions.
//
// What makes the count repeatable (within 1 % between runs on node:http, about 3 % in Express,
// where it includes a share of full garbage collections):
// - a long warm-up: V8 compiles hot code long after the first few hundred requests, and a
//   compile inside the counted window would be charged to every delivery in it;
// - node --predictable: no background compiler or GC threads, no time-driven GC heuristics;
// - one delivery at a time, so that every receiver sees the same event-loop pattern.
// User-space instructions only: the kernel's share of a request (socket writes) is not counted.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { headersFor, idHeaderFor } from './payloads.mjs';
import { post } from './post.mjs';

/** Sends `count` deliveries one after another (each id new), and checks every answer. */
async function send(port, kind, body, secret, count, offset) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = headersFor(kind, body, secret);
  for (let i = 0; i < count; i++) {
    const status = await post({
      port,
      agent,
      headers: { ...headers, [idHeaderFor(kind)]: `${offset + i}` },
      body,
    });
    if (status >= 300) throw new Error(`${kind} answered ${status}`);
  }
  agent.destroy();
}

/**
 * Starts `server` (a script that prints `LISTENING <port>`) under callgrind with KIND=kind and
 * SECRET=secret, and returns the instructions it spends per delivery of `body`.
 */
export async function instructionsPerDelivery({ server, kind, secret, body, warm, count }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'violet-callgrind-'));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${dir}/cg.out`,
      process.execPath,
      '--predictable',
      server,
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
  await send(port, kind, body, secret, warm, 0);
  execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
  await send(port, kind, body, secret, count, 1_000_000);
  execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
  const dumps = readdirSync(dir).filter((f) => f.startsWith('cg.out.'));
  const text = readFileSync(path.join(dir, dumps.sort().at(-1)), 'utf8');
  const total = Number(/^(?:totals|summary): (\d+)/m.exec(text)[1]);
  await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
  return total / count;
}

/** Runs `task` on every item, `jobs` at a time: counts do not depend on what else runs. */
export async function inParallel(items, jobs, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
}
