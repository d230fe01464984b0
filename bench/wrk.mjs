// What the load-driven benchmarks share: wrk scripts that sign each delivery with its own id,
// servers started from bench/server.mjs on core 0, and wrk runs on core 1 (when taskset exists).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { headersFor, idHeaderFor } from './payloads.mjs';

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');

/** Exits with the fix when wrk is missing. */
export function requireWrk() {
  if (spawnSync('wrk', ['--version']).error) {
    console.error('wrk is needed: apt-get install -y wrk');
    process.exit(1);
  }
}

export const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const pin = (core, command, args) =>
  pinned ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];

/** A wrk script that posts `body` (read from `bodyPath`) with a new delivery id each time. */
export function luaScript(kind, bodyPath, body, secret) {
  const { 'content-type': _type, ...headers } = headersFor(kind, body, secret);
  const idHeader = idHeaderFor(kind);
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

/**
 * Starts bench/server.mjs as receiver `kind` on core 0. `stats()` resolves to the CPU time
 * (µs) and requests answered of the server so far; `env` is added to its environment.
 */
export async function startServer(kind, secret, env = {}) {
  const server = path.join(root, 'bench/server.mjs');
  const [command, args] = pin(0, process.execPath, [server]);
  const child = spawn(command, args, {
    env: { ...process.env, ...env, KIND: kind, SECRET: secret },
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

/** Loads `port` with wrk for `seconds`; req/s and the p50 and p99 latency in ms. */
export function wrk(port, script, seconds, connections) {
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

/**
 * How many of `rounds` rounds set `set` of `sets` runs: the rounds shared among sets of server
 * processes started afresh (9 rounds in 3 sets are 3 each; 10 are 4, 3 and 3).
 */
export const roundsInSet = (set, rounds, sets) =>
  Math.floor(rounds / sets) + (set < rounds % sets ? 1 : 0);
