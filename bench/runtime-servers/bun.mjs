// Bun: the handler served by Bun.serve.
/* global Bun */
import { handlerOf } from './handlers.mjs';

const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: handlerOf(process.env.KIND, process.env.SECRET),
});
console.log(`LISTENING ${server.port}`);
