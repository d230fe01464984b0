// A Next.js App Router route handler: POST /webhooks/violet.
// npm install express-violet-webhooks
//
// `next build` evaluates this module to collect the route's configuration, where the secret is
// often not set: the receiver is made on the first request instead. With the secret set at
// build time too, `export const POST = violetWebhooks({ secret }).fetch` is all it takes.
import { violetWebhooks, type VioletWebhooks } from 'express-violet-webhooks';

let violet: VioletWebhooks | undefined;

function receiver(): VioletWebhooks {
  if (violet === undefined) {
    violet = violetWebhooks({ secret: process.env.VIOLET_APP_SECRET ?? '' });
    violet.on('ORDER_SHIPPED', (event) => {
      console.log(`order ${event.orderId} shipped: bag ${event.bag?.id}`);
    });
  }
  return violet;
}

export function POST(request: Request): Promise<Response> {
  return receiver().fetch(request);
}
