// Node.js: the handler served through @hono/node-server, the Fetch adapter of Hono on Node.
import { serve } from '@hono/node-server';
import { handlerOf } from './handlers.mjs';

const fetch = handlerOf(process.env.KIND, process.env.SECRET);
serve({ fetch, port: 0, hostname: '127.0.0.1' }, ({ port }) => console.log(`LISTENING ${port}`));
