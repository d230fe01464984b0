// How the CPU cost of one delivery grows with the size of its body, from 1 KB to 5 MB, through
// the whole pipeline (receive(): signature, headers, JSON, schema, claim, event with the bag and
// line item resolved, one listener). Linear growth shows as a steady cost per KB; a quadratic
// step in validation or lookup would show as a cost per KB that climbs with size.
//
// One step is expected, and is not growth: past 128 KB the body's text is a string in V8's
// large-object space, which takes fresh memory for every delivery. The cost per KB is therefore
// compared from 256 KB, the first size past that step, to 5 MB, twenty times larger.
//
//   npm run bench:growth
import { violetWebhooks } from 'express-violet-webhooks';
import { orderOfSize, violetSignature } from './payloads.mjs';

const secret = 'growth-secret';
const violet = violetWebhooks({ secret, limit: '10mb' });
let resolved = 0;
violet.on('ORDER_SHIPPED', (event) => {
  if (event.sku !== undefined) resolved += 1;
});

const sizes = [1, 4, 16, 64, 256, 1024, 5 * 1024];
let next = 0;

async function deliver(body, headers) {
  next += 1;
  const result = await violet.receive({
    headers: { ...headers, 'x-violet-event-id': String(next) },
    body,
  });
  if (result.status !== 200)
    throw new Error(`answered ${result.status}: ${JSON.stringify(result.body)}`);
}

const rows = [];
for (const kb of sizes) {
  const body = orderOfSize(kb * 1024);
  const bags = JSON.parse(body).bags;
  const last = bags[bags.length - 1];
  // The bag and line item named are the last ones, so the lookups walk the whole order.
  const headers = {
    'content-type': 'application/json',
    'x-violet-hmac': violetSignature(body, secret),
    'x-violet-topic': 'ORDER_SHIPPED',
    'x-violet-bag-id': String(last.id),
    'x-violet-sku-id': String(last.skus[last.skus.length - 1].sku_id),
  };
  const warm = Math.max(3, Math.round(2000 / kb));
  for (let i = 0; i < warm; i++) await deliver(body, headers);
  const runs = Math.max(5, Math.round(20000 / kb));
  const before = process.cpuUsage();
  for (let i = 0; i < runs; i++) await deliver(body, headers);
  const used = process.cpuUsage(before);
  const perDelivery = (used.user + used.system) / runs;
  rows.push({
    kb,
    bytes: body.length,
    bags: bags.length,
    perDelivery,
    perKb: perDelivery / (body.length / 1024),
  });
}

console.log('| body | bags | CPU µs per delivery | CPU µs per KB |');
console.log('|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${(r.bytes / 1024).toFixed(0)} KB | ${r.bags} | ${r.perDelivery.toFixed(0)} | ${r.perKb.toFixed(2)} |`,
  );
}
const small = rows.find((r) => r.kb === 64).perKb;
const reference = rows.find((r) => r.kb === 256).perKb;
const largest = rows[rows.length - 1];
const growth = largest.perKb / reference;
console.log(
  `\nstep past 128 KB (one large string per delivery): ${(reference / small).toFixed(2)}x the cost per KB at 64 KB`,
);
console.log(
  `cost per KB at ${(largest.bytes / 1024 / 1024).toFixed(1)} MB is ${growth.toFixed(2)}x the cost per KB at 256 KB`,
);
console.log(
  growth < 1.5
    ? 'linear: no step that grows faster than the body'
    : 'NOT linear: the cost per KB climbs with size',
);
if (resolved === 0) throw new Error('the bag and line item were never resolved');
