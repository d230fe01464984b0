import { execFile } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { createApp, listen } from '../../example-app/app';
import { delivery } from '../helpers/deliveries';

const root = path.join(__dirname, '../..');

test('the demo (npm run demo) gets every answer it expects', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', path.join(__dirname, '../helpers/register-ts.cjs'), 'example-app/demo.ts'],
    { cwd: root, env: { ...process.env, DEBUG: '' } },
  );
  expect(stdout).toContain('order 12345: bag 11111 from Maple & Pine Outfitters shipped');
  expect(stdout).toContain('order 12345: payment of 161.45 USD captured');
  expect(stdout).toContain('answer: 200 {"received":true,"duplicate":true}');
  expect(stdout).toContain('answer: 401 {"error":{"code":"INVALID_SIGNATURE"');
  expect(stdout).toContain('Every delivery got the answer expected.');
  // It ends with what a dashboard sees: the counter of deliveries, by outcome.
  const counter = (type: string, outcome: string, status: number) =>
    `violet_webhook_deliveries_total{violet_event_type="${type}",violet_webhook_outcome="${outcome}",http_response_status_code="${status}"`;
  expect(stdout).toContain(`${counter('ORDER_SHIPPED', 'accepted', 200)}`);
  expect(stdout).toContain(`${counter('ORDER_SHIPPED', 'duplicate', 200)}`);
  expect(stdout).toContain(`${counter('_OTHER', 'INVALID_SIGNATURE', 401)}`);
}, 30_000);

test("the example app's server cuts off a sender that trickles its body", async () => {
  const { app } = createApp('example-secret', () => undefined);
  const server = listen(app, 0, '127.0.0.1', { headersMs: 500, requestMs: 1000 });
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const d = delivery('ORDER_SHIPPED', { secret: 'example-secret' });
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (data) => void (answer += data.toString()));
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    const head = Object.entries(d.headers).map(([name, value]) => `${name}: ${value}\r\n`);
    const length = Buffer.byteLength(d.body);
    socket.write(`POST /webhooks/violet HTTP/1.1\r\nhost: x\r\ncontent-length: ${length}\r\n`);
    socket.write(`${head.join('')}\r\n${d.body.slice(0, 10)}`);
    const started = Date.now();
    // One byte every 200 ms: forever, but for the server's deadline.
    const trickle = setInterval(() => socket.write(d.body.slice(10, 11)), 200);
    await once(socket, 'close');
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
