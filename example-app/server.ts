// Runs the example app: VIOLET_APP_SECRET=... node .tmp/example-app/server.js
import type { AddressInfo } from 'node:net';
import { createApp, listen } from './app';

const secret = process.env.VIOLET_APP_SECRET;
if (secret === undefined || secret === '') {
  console.error('Set VIOLET_APP_SECRET to your Violet app secret.');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const { app } = createApp(secret, (line) => console.log(line));
const server = listen(app, port);
server.on('listening', () => {
  const { port: bound } = server.address() as AddressInfo;
  console.log(`Receiving Violet webhooks on http://localhost:${bound}/webhooks/violet`);
});
