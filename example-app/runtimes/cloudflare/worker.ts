// A Cloudflare Worker: violet.fetch as the Worker's fetch handler. The Worker's ctx is the
// third argument: violet.fetch finds its waitUntil, so that work after the answer completes.
// Run it locally with `npx wrangler dev`, the secret in a .dev.vars file beside wrangler.json
// (VIOLET_APP_SECRET=...); deploy with `npx wrangler deploy` after `wrangler secret put
// VIOLET_APP_SECRET`. Either way it comes as env.VIOLET_APP_SECRET. wrangler.json asks for
// nodejs_compat and a compatibility date that the wrangler npm installs on Node.js 20 (4.86)
// can still serve locally; newer wranglers serve it too.
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
