// The two Fetch handlers `npm run bench:runtimes` compares on each runtime, chosen by KIND:
//   violet  violetWebhooks({ secret }).fetch, with one async listener, defaults otherwise
//   hand    a hand-written handler doing the least a receiver does: read the body's bytes,
//           check their HMAC-SHA256 against x-violet-hmac in constant time, decode, JSON.parse,
//           call the same listener, answer {"received":true}
import { createHmac, timingSafeEqual } from 'node:crypto';
import { violetWebhooks } from 'express-violet-webhooks';

const listener = async () => undefined;
const RECEIVED = JSON.stringify({ received: true });

export function handlerOf(kind, secret) {
  if (kind === 'violet') {
    const violet = violetWebhooks({ secret });
    violet.on('ORDER_SHIPPED', listener);
    return violet.fetch;
  }
  const decoder = new TextDecoder();
  return async (request) => {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const expected = createHmac('sha256', secret).update(bytes).digest();
    const sent = Buffer.from(request.headers.get('x-violet-hmac') ?? '', 'base64');
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      return new Response('{"error":"bad signature"}', { status: 401 });
    }
    await listener(JSON.parse(decoder.decode(bytes)));
    return new Response(RECEIVED, { headers: { 'content-type': 'application/json' } });
  };
}
