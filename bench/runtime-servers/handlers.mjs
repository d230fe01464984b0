// The Fetch handlers `npm run bench:runtimes` compares on each runtime, chosen by KIND:
//   violet       violetWebhooks({ secret }).fetch, with one async listener, defaults otherwise
//   violet-validation-off  the same with `validation: 'off'`
//   hand         a hand-written handler doing the least a receiver does: read the body's bytes,
//                check their HMAC-SHA256 against x-violet-hmac in constant time, decode,
//                JSON.parse, call the same listener, answer {"received":true}
//   hand+DUTY    the hand-written handler with some of the package's duties added, one or more
//                joined by `+` (`hand+headers+deadline`), to weigh each on its own:
//                  headers   every header read into one object (the event's `headers`)
//                  deadline  a timer for the listeners' deadline, set and cleared
//                  promise   `bodyUsed` read, the bytes through one more promise, the time of
//                            receipt taken
import { createHmac, timingSafeEqual } from 'node:crypto';
import { violetWebhooks } from 'express-violet-webhooks';

const listener = async () => undefined;
const RECEIVED = JSON.stringify({ received: true });
const DUTIES = ['headers', 'deadline', 'promise'];

/** Every header as one object: Bun's `toJSON()` where there is one, as violet.fetch does. */
function allHeaders(headers) {
  if (typeof headers.toJSON === 'function') return headers.toJSON();
  const all = {};
  headers.forEach((value, name) => {
    all[name] = value;
  });
  return all;
}

export function handlerOf(kind, secret) {
  if (kind === 'violet' || kind === 'violet-validation-off') {
    const violet = violetWebhooks({
      secret,
      ...(kind === 'violet-validation-off' ? { validation: 'off' } : {}),
    });
    violet.on('ORDER_SHIPPED', listener);
    return violet.fetch;
  }
  const [base, ...duties] = kind.split('+');
  const unknown = duties.filter((duty) => !DUTIES.includes(duty));
  if (base !== 'hand' || unknown.length > 0) throw new Error(`unknown KIND ${kind}`);
  const has = new Set(duties);
  const decoder = new TextDecoder();
  let kept;
  return async (request) => {
    if (has.has('headers')) kept = allHeaders(request.headers);
    if (has.has('promise')) kept = request.bodyUsed;
    const timer = has.has('deadline') ? setTimeout(() => undefined, 9000) : undefined;
    const bytes = has.has('promise')
      ? await request.arrayBuffer().then((buffer) => new Uint8Array(buffer))
      : new Uint8Array(await request.arrayBuffer());
    if (has.has('promise')) kept = new Date();
    const expected = createHmac('sha256', secret).update(bytes).digest();
    const sent = Buffer.from(request.headers.get('x-violet-hmac') ?? '', 'base64');
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      clearTimeout(timer);
      return new Response('{"error":"bad signature"}', { status: 401 });
    }
    await listener(JSON.parse(decoder.decode(bytes)), kept);
    clearTimeout(timer);
    return new Response(RECEIVED, { headers: { 'content-type': 'application/json' } });
  };
}
