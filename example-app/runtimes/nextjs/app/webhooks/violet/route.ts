// A Next.js App Router route handler: POST /webhooks/violet.
// npm install express-violet-webhooks
//
// `next build` evaluates this module to collect the route's configuration, where the secret is
// often not set: the receiver is made on the first request instead. With the secret set at
// build time too, `export const POST = violetWebhooks({ secret, waitUntil: after }).fetch` is all
// it takes. Route handlers get no `waitUntil` argument: Next.js's `after` keeps the work that
// goes on after the answer alive on platforms that would freeze it.
import { after } from 'next/server';
import { violetWebhooks, type VioletWebhooks } from 'express-violet-webhooks';

let violet: VioletWebhooks | undefined;

function receiver(): VioletWebhooks {
  if (violet === undefined) {
    violet = violetWebhooks({ secret: process.env.VIOLET_APP_SECRET ?? '', waitUntil: after });
    violet.on('ORDER_SHIPPED', (event) => {
      console.log(`order ${event.orderId} shipped: bag ${event.bag?.id}`);
    });
  }
  return violet;
}

export function POST(request: Request): Promise<Response> {
  return receiver().fetch(request);
}
