// The runtime scenario on Node.js, served two ways: violet.fetch as the whole server
// (@hono/node-server's adapter from node:http to Request and Response), and inside a Hono app.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { violetWebhooks } from '../../lib';
import { receiver } from './receiver';
import { runScenario, type Served } from './scenario';

function served(fetch: (request: Request) => Promise<Response> | Response): Promise<Served> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        origin: `http://127.0.0.1:${info.port}`,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

runScenario('Node.js (node:http through @hono/node-server)', async () => {
  const r = receiver(violetWebhooks);
  return served((request) => r.fetch(request));
});

runScenario('a Hono app on Node.js', async () => {
  const r = receiver(violetWebhooks);
  const app = new Hono();
  app.get('/seen', (c) => c.json(r.seen));
  app.post('/read-first', async (c) => {
    await c.req.text();
    return r.violet.fetch(c.req.raw);
  });
  app.on(['POST', 'PUT'], '/webhooks/violet', (c) => r.violet.fetch(c.req.raw));
  // The ack: 'immediate' receiver and what it finished, as the receiver routes them.
  app.post('/after-answer', (c) => r.fetch(c.req.raw));
  app.get('/finished', (c) => r.fetch(c.req.raw));
  return served(app.fetch);
});
