// Hono on Node.js: violet.fetch behind a Hono route, served by @hono/node-server.
// npm install express-violet-webhooks hono @hono/node-server
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { violetWebhooks } from 'express-violet-webhooks';

const violet = violetWebhooks({ secret: process.env.VIOLET_APP_SECRET ?? '' });
violet.on('ORDER_SHIPPED', (event) => {
  console.log(`order ${event.orderId} shipped: bag ${event.bag?.id}`);
});

const app = new Hono();
// c.req.raw is the Request with its body unread: hand it over before anything reads it.
app.post('/webhooks/violet', (c) => violet.fetch(c.req.raw));

const port = Number(process.env.PORT ?? 3000);
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => {
  console.log(`listening on http://127.0.0.1:${port}`);
});
