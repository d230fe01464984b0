// Deno: the handler served by Deno.serve (the package from node_modules, as npm: resolves it).
/* global Deno */
import { handlerOf } from './handlers.mjs';

Deno.serve(
  { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`LISTENING ${port}`) },
  handlerOf(Deno.env.get('KIND'), Deno.env.get('SECRET')),
);
