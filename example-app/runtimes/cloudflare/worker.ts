// A Cloudflare Worker: violet.fetch as the Worker's fetch handler. The Worker's ctx is the
// third argument: violet.fetch finds its waitUntil, so that work after the answer completes.
// Bundle and deploy with wrangler (wrangler.json beside this file); the secret comes from
// wrangler secret put VIOLET_APP_SECRET, as env.VIOLET_APP_SECRET.
import { violetWebhooks, type VioletWebhooks } from 'express-violet-webhooks';

interface Env {
  VIOLET_APP_SECRET: string;
}

let violet: VioletWebhooks | undefined;

/** One receiver per isolate, made on the first request: a Worker's secrets come with `env`. */
function receiverFor(env: Env): VioletWebhooks {
  if (violet === undefined) {
    violet = violetWebhooks({ secret: env.VIOLET_APP_SECRET });
    violet.on('ORDER_SHIPPED', (event) => {
      console.log(`order ${event.orderId} shipped: bag ${event.bag?.id}`);
    });
  }
  return violet;
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    return receiverFor(env).fetch(request, env, ctx);
  },
};

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}
