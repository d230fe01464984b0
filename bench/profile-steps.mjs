// The steps of a delivery that bench:profile --steps adds self times up to, told from each
// profiled function's file and name. A function of the package's own goes to its step (the
// files of docs/pipeline.md); Node's and V8's to what they do for every receiver alike.
import path from 'node:path';

/** The package's files (dist/…/name.js), by step. */
const PACKAGE = {
  'read and hash': ['read-body.js', 'hmac.js', 'verify-delivery-signature.js'],
  decode: ['body-text.js'],
  parse: ['parse-body.js'],
  headers: ['read-headers.js', 'check-request.js', 'delivery.js'],
  validate: ['validate-payload.js', 'validators.js'],
  ids: ['check-ids.js'],
  build: ['build-event.js', 'event-from-body.js'],
  claim: ['claim-event.js', 'memory-store.js', 'dedupe-store.js'],
  dispatch: ['dispatch.js', 'settle-within.js'],
  answer: ['write-result.js', 'result.js'],
  'pipeline glue': [
    'pipeline.js',
    'violet-webhooks.js',
    'middleware.js',
    'request-event.js',
    'defer.js',
  ],
};
const BY_FILE = new Map(
  Object.entries(PACKAGE).flatMap(([step, files]) => files.map((file) => [file, step])),
);
/** Node's internals, by what they do. */
const NODE = [
  [/crypto\/hash|^Hmac$|^update$|^digest$/, 'read and hash'],
  [/^(latin1Slice|utf8Slice|isAscii)$/, 'decode'],
  [
    /_http_outgoing|_http_server|writable|stream_base_commons|^writev|^writeUtf8String|^writeBuffer/,
    'answer: Node writes it',
  ],
  [
    /_http_incoming|_http_common|readable|^parserOn|HTTPParser|^(onStreamRead|readableAddChunk)/,
    'request: Node reads it',
  ],
  [/task_queues|^runMicrotasks$|promise|async_hooks/, 'promises and ticks'],
  [/timers/, 'timers'],
];

/** The step a profiled call frame belongs to. */
export function stepOf(frame) {
  const { functionName, url } = frame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle (not CPU)';
  if (functionName === '(program)') return 'V8 and native code, unattributed';
  const file = url ? path.basename(url) : '';
  const step = BY_FILE.get(file);
  if (step !== undefined && url.includes('/dist/')) return step;
  if (url.includes('/@octokit/')) return "octokit's own code";
  if (url.includes('/node_modules/')) return 'Express and its modules';
  if (file === 'server.mjs' || file === 'otel-sdk.mjs')
    return "the receiver's own code (bench/server.mjs)";
  for (const [pattern, name] of NODE) {
    if (pattern.test(url) || pattern.test(functionName)) return name;
  }
  if (functionName === 'parse' && !url) return 'parse';
  return url.startsWith('node:') ? 'Node, other' : 'V8 and native code, other';
}

/** Prints one table: µs of self time per request, by step, one column per receiver. */
export function printSteps(columns) {
  const steps = new Set(columns.flatMap((c) => [...c.times.keys()]));
  const total = (name) =>
    columns.reduce((sum, c) => sum + (c.times.get(name) ?? 0) / c.requests, 0);
  const order = [...steps].sort((a, b) => total(b) - total(a));
  console.log(
    `\n| µs of CPU per request | ${columns.map((c) => `${c.label}, ${c.bytes} B`).join(' | ')} |`,
  );
  console.log(`|---|${columns.map(() => '---:').join('|')}|`);
  console.log(
    `| CPU in all (process.cpuUsage) | ${columns.map((c) => c.cpu.toFixed(1)).join(' | ')} |`,
  );
  console.log(`| req/s | ${columns.map((c) => Math.round(c.rps)).join(' | ')} |`);
  for (const step of order) {
    const cells = columns.map((c) => ((c.times.get(step) ?? 0) / c.requests).toFixed(1));
    console.log(`| ${step} | ${cells.join(' | ')} |`);
  }
}
