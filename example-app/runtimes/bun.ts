// Bun: violet.fetch served by Bun.serve. Run: bun bun.ts
// bun add express-violet-webhooks
import { violetWebhooks } from 'express-violet-webhooks';

const violet = violetWebhooks({ secret: process.env.VIOLET_APP_SECRET ?? '' });
violet.on('ORDER_SHIPPED', (event) => {
  console.log(`order ${event.orderId} shipped: bag ${event.bag?.id}`);
});

const server = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  hostname: '127.0.0.1',
  fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === '/webhooks/violet') return violet.fetch(request);
    return new Response('not found', { status: 404 });
  },
});
console.log(`listening on http://127.0.0.1:${server.port}`);
