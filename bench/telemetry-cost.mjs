// `npm run bench:telemetry`: what the `telemetry` option costs per delivery, in instructions
// counted by valgrind's callgrind, split in two: what OpenTelemetry's SDK charges for the spans
// and metrics api.md fixes, whoever makes them, and what this package spends around them.
// Each kind runs a loop of deliveries' telemetry in a process of its own (bench/otel-sdk.mjs's
// SDK), once with COUNT and once with 2 x COUNT deliveries: the difference, divided by COUNT, is
// the cost of one delivery, free of start-up and warm-up.
//   loop     the loop alone: one async listener call and one turn of the event loop a delivery
//   sdk      the SDK calls the telemetry needs, made directly: the delivery's span with its
//            attributes, the listeners' span around the listener (its context active), both
//            ended, and the two histogram records (the two counters cost nothing per delivery)
//   package  openTelemetry(): delivery(), event(), listeners() around the listener, end()
// The share is of a 4 KB delivery through the middleware, from docs/bench-instructions.json. The
// first line printed is the ratio the package is held to: openTelemetry() / the SDK's own calls.
//
//   npm run bench:telemetry -- [--count N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inParallel } from './callgrind.mjs';

const KINDS = ['loop', 'sdk', 'package'];
const here = path.dirname(new URL(import.meta.url).pathname);

/** One delivery's telemetry, as `kind` makes it. */
async function makeDelivery(kind) {
  const { SpanKind, context, trace } = await import('@opentelemetry/api');
  const { openTelemetry } = await import('express-violet-webhooks/otel');
  const { setUpSdk } = await import('./otel-sdk.mjs');
  const providers = setUpSdk();
  const listener = async () => undefined;
  const answer = { status: 200, body: { received: true } };
  const eventOf = (i) => ({
    type: 'ORDER_SHIPPED',
    family: 'order',
    id: `event-${i}`,
    webhookId: 'webhook-1',
    orderId: 12345,
    bagId: 20000,
    skuId: 20001,
  });
  if (kind === 'loop') return (i) => (eventOf(i), listener());
  if (kind === 'package') {
    const telemetry = openTelemetry(providers);
    return async (i) => {
      const event = eventOf(i);
      const t = telemetry.delivery();
      t.event(event);
      await t.listeners(event, listener);
      t.end(answer);
    };
  }
  const tracer = providers.tracerProvider.getTracer('bench');
  const meter = providers.meterProvider.getMeter('bench');
  const duration = meter.createHistogram('violet.webhook.duration', { unit: 's' });
  const listenerDuration = meter.createHistogram('violet.webhook.listener.duration', { unit: 's' });
  const labels = {
    'violet.event.type': 'ORDER_SHIPPED',
    'violet.webhook.outcome': 'accepted',
    'http.response.status_code': 200,
  };
  const listenerLabels = { 'violet.event.type': 'ORDER_SHIPPED' };
  return async (i) => {
    const event = eventOf(i);
    const span = tracer.startSpan('violet.webhook ORDER_SHIPPED', {
      kind: SpanKind.INTERNAL,
      attributes: {
        'violet.event.type': event.type,
        'violet.event.id': event.id,
        'violet.webhook.id': event.webhookId,
        'violet.order.id': event.orderId,
        'violet.bag.id': event.bagId,
        'violet.sku.id': event.skuId,
      },
    });
    const ctx = trace.setSpan(context.active(), span);
    const child = tracer.startSpan(
      'violet.listeners ORDER_SHIPPED',
      {
        kind: SpanKind.INTERNAL,
        attributes: { 'violet.event.type': event.type, 'violet.event.id': event.id },
      },
      ctx,
    );
    await context.with(trace.setSpan(ctx, child), listener);
    child.end();
    listenerDuration.record(0.001, listenerLabels);
    span.setAttributes({ 'violet.webhook.outcome': 'accepted', 'http.response.status_code': 200 });
    span.end();
    duration.record(0.002, labels);
  };
}

/** Instructions of a process that runs `count` deliveries of `kind`. */
function instructions(kind, count) {
  const dir = mkdtempSync(path.join(tmpdir(), 'violet-telemetry-'));
  try {
    execFileSync(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${dir}/cg.out`,
        process.execPath,
        '--predictable',
        '--expose-gc',
        path.join(here, 'telemetry-cost.mjs'),
      ],
      { env: { ...process.env, KIND: kind, COUNT: String(count) }, stdio: 'ignore' },
    );
    const [file] = readdirSync(dir);
    const text = readFileSync(path.join(dir, file), 'utf8');
    return Number(/^(?:totals|summary): (\d+)/m.exec(text)[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.KIND !== undefined) {
  const deliver = await makeDelivery(process.env.KIND);
  // A full collection before and after: the garbage of every delivery counted is collected
  // within the count, whichever point a collection of V8's own would have fallen at.
  globalThis.gc();
  for (let i = 0, n = Number(process.env.COUNT); i < n; i++) {
    await deliver(i);
    await new Promise((resolve) => setImmediate(resolve));
  }
  globalThis.gc();
} else {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '20000' } } });
  const count = Number(values.count);
  const runs = KINDS.flatMap((kind) => [
    { kind, count },
    { kind, count: 2 * count },
  ]);
  await inParallel(runs, 2, async (run) => void (run.total = instructions(run.kind, run.count)));
  const per = Object.fromEntries(
    KINDS.map((kind) => {
      const [one, two] = runs.filter((r) => r.kind === kind);
      return [kind, (two.total - one.total) / count];
    }),
  );
  const table = JSON.parse(
    readFileSync(path.join(here, '../docs/bench-instructions.json'), 'utf8'),
  );
  const delivery = table
    .find((group) => group.size === '4 KB')
    .rows.find((r) => r.kind === 'violet').instructions;
  // The target first, so that a regression shows at once.
  const ratio = (per.package - per.loop) / (per.sdk - per.loop);
  console.log(
    `openTelemetry() / the SDK's own calls: ${ratio.toFixed(2)}x the instructions (target <= 1.05x)`,
  );
  const row = (label, k) =>
    `| ${label} | ${(k / 1000).toFixed(1)} | ${((100 * k) / delivery).toFixed(1)} % |`;
  console.log(`
| per delivery (${count} and ${2 * count} in a loop) | K instructions | share of a 4 KB delivery (${(delivery / 1e6).toFixed(3)} M) |
|---|---:|---:|
${row("the SDK's own calls for the spans and metrics (sdk - loop)", per.sdk - per.loop)}
${row('openTelemetry() (package - loop)', per.package - per.loop)}
${row('what the package adds to the SDK (package - sdk)', per.package - per.sdk)}`);
}
