// The runtime scenario's receiver in a Next.js App Router app: a catch-all route handler, so
// that the receiver routes as it does on the other runtimes (/webhooks/violet, /read-first,
// /seen). Copied to app/[...path]/route.js.
import { violetWebhooks } from 'express-violet-webhooks';
import { receiver } from '../../receiver.js';

const r = receiver(violetWebhooks);

export const GET = r.fetch;
export const POST = r.fetch;
export const PUT = r.fetch;
