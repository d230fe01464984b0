// What the benchmarks of a store or a hand-off share: a server file started in its own process,
// and a load of signed 4 KB deliveries, each a new event, counted when answered 200.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { headersFor } from './payloads.mjs';
import { post } from './post.mjs';

/** Starts `script` (a file of bench/) with `env`; resolves once it prints `LISTENING <port>`. */
export function startServer(script, env) {
  const child = spawn(process.execPath, [new URL(script, import.meta.url).pathname], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} ${env.KIND} exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      const match = /LISTENING (\d+)/.exec(chunk.toString());
      if (match) resolve({ child, port: Number(match[1]) });
    });
  });
}

/** Deliveries of `body` accepted (200) per second, 32 at a time over keep-alive, for `seconds`. */
export async function acceptedPerSecond({ port, body, secret, tag, seconds }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const headers = headersFor('violet', body, secret);
  let accepted = 0;
  let sequence = 0;
  const until = Date.now() + seconds * 1000;
  const one = async () => {
    const headersOfOne = { ...headers, 'x-violet-event-id': `${tag}-${sequence++}` };
    const status = await post({ port, agent, headers: headersOfOne, body }).catch(() => 0);
    if (status === 200) accepted += 1;
  };
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (Date.now() < until) await one();
    }),
  );
  agent.destroy();
  return accepted / seconds;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The names in a different order each round, so that no kind always runs first. */
export const rotated = (names, round) => names.map((_, i) => names[(i + round) % names.length]);
