// `npm run bench:telemetry`: what the `telemetry` option costs per delivery, in instructions
// counted by valgrind's callgrind, split in two: what OpenTelemetry's SDK charges for the spans
// and metrics api.md fixes, whoever makes them, and what this package spends around them.
// Each kind runs a loop of deliveries' telemetry in a process of its own (bench/otel-sdk.mjs's
// SDK): after a warm-up, two windows of COUNT and 2 * COUNT deliveries, each ending in a full
// collection, are counted; their difference over COUNT is one delivery's cost. V8's garbage
// collector and optimizing compiler are counted apart (where they fall differs from one process
// to the next). Rounds of the three kinds, the median shown.
//   loop     the loop alone: one async listener call and one turn of the event loop a delivery
//   sdk      the SDK calls the telemetry needs, made directly: the delivery's span with its
//            attributes, the listeners' span around the listener (its context active), both
//            ended, and the two histogram records of durations timed with performance.now()
//            (the two counters cost nothing per delivery)
//   package  openTelemetry(): delivery(), event(), listeners() around the listener,
//            listenersSettled(), end()
// The share is of a 4 KB delivery through the middleware, from docs/bench-instructions.json. The
// first line printed is the ratio the package is held to: openTelemetry() / the SDK's own calls.
//
//   npm run bench:telemetry -- [--count N] [--warm N] [--rounds N] [--kinds package,...]
// KEEP=1 keeps the callgrind dumps and prints their folders (callgrind_annotate reads them).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
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
      // As the pipeline does, from the callback it already has on the listeners' promise.
      t.listenersSettled();
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
    // The two durations need the clock read at their start and end, as any code timing them.
    const started = performance.now();
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
    const listenersStarted = performance.now();
    await context.with(trace.setSpan(ctx, child), listener);
    child.end();
    listenerDuration.record((performance.now() - listenersStarted) / 1000, listenerLabels);
    span.setAttributes({ 'violet.webhook.outcome': 'accepted', 'http.response.status_code': 200 });
    span.end();
    duration.record((performance.now() - started) / 1000, labels);
  };
}

/**
 * Instructions per delivery of `kind`: a process under callgrind runs `warm` deliveries and a
 * full collection; then, counted, `count` deliveries and a full collection, and `2 * count`
 * deliveries and a full collection. The difference of the two counts, divided by `count`, is the
 * cost of one delivery with its garbage: what does not grow with the deliveries (the final
 * collection of the heap the kind keeps, timers) cancels out.
 */
async function perDelivery(kind, warm, count) {
  const dir = mkdtempSync(path.join(tmpdir(), 'violet-telemetry-'));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${dir}/cg.out`,
      process.execPath,
      '--predictable',
      '--expose-gc',
      path.join(here, 'telemetry-cost.mjs'),
    ],
    {
      env: { ...process.env, KIND: kind, WARM: String(warm) },
      stdio: ['pipe', 'pipe', 'ignore'],
    },
  );
  const lines = readline.createInterface({ input: child.stdout });
  const next = () =>
    new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
      lines.once('line', (line) => (child.removeAllListeners('exit'), resolve(line)));
    });
  /** The instructions of `n` deliveries and a full collection: all of them, and the collector's. */
  const counted = async (n) => {
    execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
    child.stdin.write(`GO ${n}\n`);
    await next(); // DONE
    execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
    const dumps = readdirSync(dir).filter((f) => f.startsWith('cg.out.'));
    dumps.sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
    const file = path.join(dir, dumps.at(-1));
    const text = readFileSync(file, 'utf8');
    const all = Number(/^(?:totals|summary): (\d+)/m.exec(text)[1]);
    const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', file], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const gc = inclusive(annotated, 'v8::internal::Heap::CollectGarbage(');
    const jit = inclusive(annotated, 'v8::internal::Runtime_CompileOptimized(');
    return { code: all - gc - jit, gc, jit };
  };
  try {
    await next(); // WARM
    const once = await counted(count);
    const twice = await counted(2 * count);
    const per = (key) => (twice[key] - once[key]) / count;
    return { code: per('code'), gc: per('gc'), jit: per('jit') };
  } finally {
    await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGKILL')));
    if (process.env.KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    else console.error(kind, dir);
  }
}

/** The inclusive instructions of the function whose name starts `name`, in callgrind_annotate's text. */
function inclusive(annotated, name) {
  const at = annotated.indexOf(name);
  if (at < 0) return 0;
  const line = annotated.slice(annotated.lastIndexOf('\n', at) + 1, at);
  return Number(/^\s*([\d,]+)/.exec(line)[1].replaceAll(',', ''));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (process.env.KIND !== undefined) {
  const deliver = await makeDelivery(process.env.KIND);
  const loop = async (n, offset) => {
    for (let i = 0; i < n; i++) {
      await deliver(offset + i);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await loop(Number(process.env.WARM), 0);
  globalThis.gc();
  const input = readline.createInterface({ input: process.stdin });
  process.stdout.write('WARM\n');
  let offset = 1_000_000;
  for await (const line of input) {
    const n = Number(line.split(' ')[1]);
    await loop(n, offset);
    offset += n;
    globalThis.gc();
    process.stdout.write('DONE\n');
  }
  await new Promise(() => undefined); // the parent reads the counters, then ends this process
} else {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '5000' },
      warm: { type: 'string', default: '20000' },
      rounds: { type: 'string', default: '5' },
      // A subset, to look at one kind while changing it: prints its counts only.
      kinds: { type: 'string', default: KINDS.join(',') },
    },
  });
  const kinds = values.kinds.split(',');
  const [count, warm, rounds] = [values.count, values.warm, values.rounds].map(Number);
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const runs = kinds.map((kind) => ({ kind }));
    await inParallel(
      runs,
      2,
      async (run) => void (run.per = await perDelivery(run.kind, warm, count)),
    );
    results.push(Object.fromEntries(runs.map((r) => [r.kind, r.per])));
  }
  if (kinds.length < KINDS.length) {
    for (const kind of kinds) {
      const counts = results.map((r) => (r[kind].code / 1000).toFixed(1)).join(', ');
      const apart = (key) => results.map((r) => (r[kind][key] / 1000).toFixed(1)).join(', ');
      console.log(
        `${kind}: ${counts} K instructions per delivery (collector: ${apart('gc')} K, optimizing compiler: ${apart('jit')} K)`,
      );
    }
    process.exit(0);
  }
  const ratios = results.map((r) => (r.package.code - r.loop.code) / (r.sdk.code - r.loop.code));
  const per = Object.fromEntries(
    KINDS.map((kind) => [kind, median(results.map((r) => r[kind].code))]),
  );
  const apart = (key) =>
    KINDS.map((kind) => `${(median(results.map((r) => r[kind][key])) / 1000).toFixed(1)} K`);
  const table = JSON.parse(
    readFileSync(path.join(here, '../docs/bench-instructions.json'), 'utf8'),
  );
  const delivery = table
    .find((group) => group.size === '4 KB')
    .rows.find((r) => r.kind === 'violet').instructions;
  // The target first, so that a regression shows at once.
  console.log(
    `openTelemetry() / the SDK's own calls: ${median(ratios).toFixed(2)}x the instructions, median of ${rounds} rounds (${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)}; target <= 1.05x)`,
  );
  const row = (label, k) =>
    `| ${label} | ${(k / 1000).toFixed(1)} | ${((100 * k) / delivery).toFixed(1)} % |`;
  console.log(`
| per delivery (${count} counted after ${warm}, median of ${rounds} rounds) | K instructions | share of a 4 KB delivery (${(delivery / 1e6).toFixed(3)} M) |
|---|---:|---:|
${row("the SDK's own calls for the spans and metrics (sdk - loop)", per.sdk - per.loop)}
${row('openTelemetry() (package - loop)', per.package - per.loop)}
${row('what the package adds to the SDK (package - sdk)', per.package - per.sdk)}

Counted apart, per delivery (loop, SDK's calls, openTelemetry()), as they depend on where a
collection or an optimization falls in the count: garbage collector ${apart('gc').join(', ')};
optimizing compiler ${apart('jit').join(', ')}.`);
}
