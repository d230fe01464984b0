// The route handler as the README writes it, copied to app/violet/route.js (Next.js looks for
// .js, not .mjs).
import { violetWebhooks } from 'express-violet-webhooks';

const violet = violetWebhooks({ secret: process.env.VIOLET_APP_SECRET });
violet.on('ORDER_SHIPPED', async () => undefined);

export const POST = violet.fetch;
