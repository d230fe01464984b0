// The runtime scenario's receiver served by Bun.serve, with the package as installed from its
// tarball. Prints `LISTENING <port>`.
/* global Bun */
import { violetWebhooks } from 'express-violet-webhooks';
import { receiver } from './receiver.ts';

const r = receiver(violetWebhooks);
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: r.fetch });
console.log(`LISTENING ${server.port}`);
