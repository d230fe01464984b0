// The runtime scenario's receiver as a Cloudflare Worker: `export default { fetch }`, bundled
// by `wrangler deploy --dry-run` from the package as installed from its tarball, and served by
// workerd. The Worker's ExecutionContext goes to violet.fetch, so that work after the answer
// keeps the Worker alive (waitUntil).
import { violetWebhooks } from 'express-violet-webhooks';
import { receiver } from './receiver.ts';

const r = receiver(violetWebhooks);

export default {
  fetch: (request, _env, ctx) => r.fetch(request, ctx),
};
