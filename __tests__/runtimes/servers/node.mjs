// The runtime scenario's receiver served on Node.js through @hono/node-server (node:http to
// Request and Response), with the package as installed from its tarball; run by Node.js 22 and
// 24, which strip receiver.ts's types themselves. Prints `LISTENING <port>`.
import { serve } from '@hono/node-server';
import { violetWebhooks } from 'express-violet-webhooks';
import { receiver } from './receiver.ts';

const r = receiver(violetWebhooks);
serve({ fetch: r.fetch, port: 0, hostname: '127.0.0.1' }, ({ port }) =>
  console.log(`LISTENING ${port}`),
);
