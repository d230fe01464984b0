import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SECRET, delivery } from '../helpers/deliveries';
import { sleep, until } from '../helpers/wait';
import { streamUpload } from '../helpers/stream-upload';
import { namedBlock } from './pages';

// The node:http server of docs/mounting.md, run as written in a child process: clients that
// abort, reset or truncate their body must not crash it, nor one that streams far past the limit.
const { source } = namedBlock('webhooks-server.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'violet-docs-'));
let child: ChildProcess;
let port = 0;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  const file = path.join(dir, 'webhooks-server.ts');
  writeFileSync(file, source);
  child = spawn(
    process.execPath,
    ['-r', path.join(__dirname, '../helpers/register-ts.cjs'), file],
    { env: { ...process.env, PORT: '0', VIOLET_APP_SECRET: SECRET, DEBUG: '' } },
  );
  child.stderr?.on('data', (data: Buffer) => void (stderr += data.toString()));
  port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the example exited (${code}): ${stderr}`)));
    child.stdout?.on('data', (data: Buffer) => {
      stdout += data.toString();
      const match = /listening on http:\/\/localhost:(\d+)\/webhooks\/violet/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
  });
}, 30_000);

afterAll(async () => {
  for (const socket of truncated) socket.destroy();
  if (child.exitCode === null) {
    child.kill();
    await once(child, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Sends the headers and the first 100 bytes of a signed delivery, then breaks off as told. */
async function breakOff(how: 'abort' | 'reset' | 'truncate'): Promise<void> {
  const d = delivery('ORDER_SHIPPED');
  const head = Object.entries(d.headers).map(([name, value]) => `${name}: ${value}\r\n`);
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const length = Buffer.byteLength(d.body);
  socket.write(
    `POST /webhooks/violet HTTP/1.1\r\nhost: localhost\r\ncontent-length: ${length}\r\n`,
  );
  socket.write(`${head.join('')}\r\n${d.body.slice(0, 100)}`);
  await sleep(50); // the server is now reading the body
  if (how === 'abort') socket.destroy();
  else if (how === 'reset') socket.resetAndDestroy();
  else {
    // Half the body, then the end of the stream: the server waits for the rest until its
    // requestTimeout, so the test does not wait for the close.
    socket.end();
    truncated.push(socket);
    return;
  }
  await once(socket, 'close');
  await sleep(50);
}
const truncated: net.Socket[] = [];

/** How many times the example's listener has logged the delivery of deliverShipped(). */
const shippedLines = (): number => stdout.split('order 12345 shipped, bag 11111').length - 1;

async function deliverShipped(): Promise<Response> {
  const d = delivery('ORDER_SHIPPED', { bagId: 11111 });
  return fetch(`http://127.0.0.1:${port}/webhooks/violet`, {
    method: 'POST',
    headers: d.headers,
    body: d.body,
  });
}

test.each(['abort', 'reset', 'truncate'] as const)(
  'a client that sends part of a body and then does %s leaves the server up',
  async (how) => {
    for (let i = 0; i < 3; i++) await breakOff(how);
    expect(child.exitCode).toBeNull();
    expect(stderr).toBe('');
    const logged = shippedLines();
    const answer = await deliverShipped();
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: true });
    // The listener's line went to the child's stdout before the answer, but this process may
    // read the answer from its socket before the line from the pipe.
    await until(() => shippedLines() === logged + 1, 5000);
  },
);

test('a truncated body still pending when its sender goes away leaves the server up', async () => {
  expect(truncated.length).toBeGreaterThan(0);
  for (const socket of truncated.splice(0)) {
    socket.destroy();
    await once(socket, 'close');
  }
  await sleep(100);
  expect(child.exitCode).toBeNull();
  expect(stderr).toBe('');
  expect((await deliverShipped()).status).toBe(200);
});

test('a body streamed far past the limit gets 413 and Connection: close, and is not read on', async () => {
  const d = delivery('ORDER_SHIPPED');
  const total = 200 * 1024 * 1024;
  const outcome = await streamUpload(port, '/webhooks/violet', d.headers, total);
  // The answer comes before the server closes; the client may see the reset first.
  if (outcome.status !== undefined) {
    expect(outcome.status).toBe(413);
    expect(outcome.headers?.connection).toBe('close');
  } else {
    expect(['EPIPE', 'ECONNRESET']).toContain(outcome.error);
  }
  expect(outcome.written).toBeLessThan(total / 10);
  expect(child.exitCode).toBeNull();
  const answer = await deliverShipped();
  expect(answer.status).toBe(200);
});
