// A route whose listeners run after the answer (ack: 'immediate'), their work handed to Next.js's
// after() through the factory's waitUntil: route handlers get no argument that has one. GET says
// how many pieces of work were handed over and which events' listeners have finished. Copied to
// app/after/route.js.
import { after } from 'next/server';
import { violetWebhooks } from 'express-violet-webhooks';
import { RUNTIME_SECRET } from '../../receiver.js';

let handed = 0;
const finished = [];
const violet = violetWebhooks({
  secret: RUNTIME_SECRET,
  ack: 'immediate',
  waitUntil: (work) => {
    handed += 1;
    after(work);
  },
});
violet.on('ORDER_SHIPPED', async (event) => {
  await new Promise((resolve) => setTimeout(resolve, 300));
  finished.push(event.id);
});

export const POST = violet.fetch;
export const GET = () => Response.json({ handed, finished });
