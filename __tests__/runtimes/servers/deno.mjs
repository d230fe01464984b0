// The runtime scenario's receiver served by Deno.serve, importing the package with an npm:
// specifier as Supabase Edge Functions do (resolved from the project's node_modules). Prints
// `LISTENING <port>`.
/* global Deno */
import { violetWebhooks } from 'npm:express-violet-webhooks';
import { receiver } from './receiver.ts';

const r = receiver(violetWebhooks);
Deno.serve(
  { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`LISTENING ${port}`) },
  r.fetch,
);
