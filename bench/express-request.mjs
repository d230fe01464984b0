// Why setting `req.violet` costs more in Express than on node:http.
//
// Express gives every request its app's prototype (Object.setPrototypeOf). V8 keeps a shared
// hidden class, with cached transitions, only for objects that keep their prototype: after the
// swap, every property added to that request builds a new hidden class of its own, copying the
// descriptors of all the properties it has. This script shows it twice:
// 1. in process: the time to add one property to an object, with and without a prototype swap;
// 2. under callgrind: the instructions per 4 KB delivery of a receiver that parses the body,
//    with and without storing the result on the request, on node:http and in Express.
//
//   npm run bench:express-request -- [--warm N] [--count N] [--jobs 2]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inParallel, instructionsPerDelivery } from './callgrind.mjs';
import { orderOfSize } from './payloads.mjs';

const { values } = parseArgs({
  options: {
    warm: { type: 'string', default: '8000' },
    count: { type: 'string', default: '2000' },
    jobs: { type: 'string', default: '2' },
  },
});

/** An object with about as many properties as an Express request has when a middleware runs. */
// Written out as literal assignments (as a constructor would be), so that V8 sees one shape.
const Message = new Function(Array.from({ length: 40 }, (_, i) => `this.p${i} = ${i};`).join('\n'));
const appRequest = Object.create(Message.prototype);
const event = { type: 'ORDER_SHIPPED' };

// Each object is kept until the next one replaces it, so that none is optimised away.
const sink = [undefined];

/** Nanoseconds per object: create it, maybe swap its prototype, maybe add one property. */
function nsPerObject(swap, add, n = 100_000) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const message = new Message();
    if (swap) Object.setPrototypeOf(message, appRequest);
    if (add) message.event = event;
    sink[0] = message;
  }
  return Number(process.hrtime.bigint() - started) / n;
}

const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const timings = { plain: [], plainAdd: [], swap: [], swapAdd: [] };
for (let round = 0; round < 9; round++) {
  timings.plain.push(nsPerObject(false, false));
  timings.plainAdd.push(nsPerObject(false, true));
  timings.swap.push(nsPerObject(true, false));
  timings.swapAdd.push(nsPerObject(true, true));
}
const ns = (xs) => `${median(xs).toFixed(0)} ns`.padStart(7);
console.log('Creating an object of 40 properties, then adding one more (median of 9 rounds):');
console.log(
  `  prototype kept:    ${ns(timings.plain)}, and with the property ${ns(timings.plainAdd)}`,
);
console.log(
  `  prototype swapped: ${ns(timings.swap)}, and with the property ${ns(timings.swapAdd)}`,
);

const server = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  'express-request-server.mjs',
);
const body = orderOfSize(4 * 1024);
const kinds = ['http', 'http-store', 'express', 'express-store'];
const counts = {};
console.log(`\nInstructions per ${body.length}-byte delivery, under callgrind:`);
await inParallel(kinds, Number(values.jobs), async (kind) => {
  counts[kind] = await instructionsPerDelivery({
    server,
    kind,
    secret: 'unused',
    body,
    warm: Number(values.warm),
    count: Number(values.count),
  });
  console.log(`  ${kind.padEnd(14)} ${(counts[kind] / 1e3).toFixed(1)} k`);
});
const k = (x) => `${(x / 1e3).toFixed(1)} k`;
console.log('\nStoring the parsed body on the request costs:');
console.log(`  on node:http: ${k(counts['http-store'] - counts.http)}`);
console.log(`  in Express:   ${k(counts['express-store'] - counts.express)}`);
