// Where a delivery's instructions go, step by step: each step of the pipeline runs on its own
// in a loop, inside one process under valgrind's callgrind, and its count is read between a
// zero and a dump of the counters, after a warm-up of every step. The whole of receive() on a
// body already in memory is counted the same way, so that the steps can be checked against
// their sum. What Node's HTTP server and Express add comes from `npm run bench:instructions`.
//
//   npm run bench:steps -- [--size 4] [--warm 20000] [--count 5000] [--time]
//
// With --time there is no callgrind: each step is timed in a loop (ns per call), a quick look
// that other load on the machine disturbs.
import { execFileSync, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { headersFor, orderOfSize } from './payloads.mjs';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '4' },
    warm: { type: 'string', default: '20000' },
    count: { type: 'string', default: '5000' },
    time: { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
  },
});
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = process.env.VIOLET_DIST ?? path.join(root, 'dist');
const secret = 'bench-secret';

/** The steps, each a function of the delivery's number, from the package's own modules. */
function makeSteps() {
  const load = createRequire(import.meta.url);
  const lib = (name) => load(path.join(dist, name));
  const { StreamingHmac, secretKey } = lib('signature/hmac.js');
  const { verifyDeliverySignature } = lib('receive/verify-delivery-signature.js');
  const { BodyText } = lib('receive/body-text.js');
  const { checkRequest } = lib('receive/check-request.js');
  const { readHeaders } = lib('receive/read-headers.js');
  const { createValidator } = lib('receive/validate-payload.js');
  const { checkIds } = lib('receive/check-ids.js');
  const { buildEvent } = lib('receive/build-event.js');
  const { claimEvent, settleClaim } = lib('receive/claim-event.js');
  const { Dispatcher } = lib('receive/dispatch.js');
  const { MemoryDedupeStore } = lib('dedupe/memory-store.js');
  const { violetWebhooks } = lib('index.js');

  const body = orderOfSize(Number(values.size) * 1024);
  const text = body.toString('latin1');
  const base = headersFor('violet', body, secret);
  const headers = (i) => ({
    ...base,
    'x-violet-event-id': `${i}`,
    'content-length': `${body.length}`,
  });
  const fixed = headers(1);
  const keys = [secretKey(secret)];
  const h = readHeaders(fixed);
  const payload = JSON.parse(text);
  const validate = createValidator(new Map());
  const store = new MemoryDedupeStore();
  const emitter = new EventEmitter();
  emitter.on('ORDER_SHIPPED', async (event) => {
    if (event.bag === undefined) throw new Error('the bag was not resolved');
  });
  const dispatcher = new Dispatcher(emitter);
  const received = new Date();
  const event = buildEvent(h, payload, 0, received);
  const violet = violetWebhooks({ secret });
  violet.on('ORDER_SHIPPED', async (e) => {
    if (e.bag === undefined) throw new Error('the bag was not resolved');
  });
  let sink;
  return {
    hash: () => {
      const hmac = new StreamingHmac(keys);
      hmac.update(body);
      sink = verifyDeliverySignature(fixed, hmac.digests());
    },
    decode: () => {
      const t = new BodyText();
      t.add(body);
      sink = t.end();
    },
    parse: () => void (sink = JSON.parse(text)),
    headers: (i) => {
      const all = headers(i);
      checkRequest('POST', all);
      sink = readHeaders(all);
    },
    'headers copy (not the package)': (i) => void (sink = headers(i)),
    validate: () => void (sink = validate('ORDER_SHIPPED', payload)),
    ids: () => checkIds(h, payload),
    build: () => void (sink = buildEvent(h, payload, 0, new Date())),
    claim: async (i) => {
      const e = { ...event, id: `${i}` };
      const claim = await claimEvent(store, e, text, 30_000);
      sink = await settleClaim(claim, true, e.type);
    },
    dispatch: async () => void (sink = await dispatcher.dispatch(event)),
    'receive(), body in memory': async (i) => {
      sink = await violet.receive({ headers: headers(i), body });
      if (sink.status !== 200) throw new Error(`answered ${sink.status}`);
    },
    sink: () => sink,
  };
}

/** In the child: warms every step, then runs each when told, and says when it is done. */
async function child() {
  const steps = makeSteps();
  const names = Object.keys(steps).filter((name) => name !== 'sink');
  const warm = Number(values.warm);
  const count = Number(values.count);
  let n = 0;
  for (const name of names) for (let i = 0; i < warm; i++) await steps[name](n++);
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  for (const name of names) {
    process.stdout.write(`READY ${name}\n`);
    await lines.next();
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await steps[name](n++);
    const ns = Number(process.hrtime.bigint() - started) / count;
    process.stdout.write(`DONE ${ns.toFixed(0)}\n`);
  }
  process.exit(0);
}

/** In the parent: runs the child (under callgrind unless --time) and prints a count per step. */
async function parent() {
  const dir = mkdtempSync(path.join(tmpdir(), 'violet-steps-'));
  const script = new URL(import.meta.url).pathname;
  const args = [
    script,
    '--child',
    '--size',
    values.size,
    '--warm',
    values.warm,
    '--count',
    values.count,
  ];
  const child = values.time
    ? spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] })
    : spawn(
        'valgrind',
        [
          '--tool=callgrind',
          `--callgrind-out-file=${dir}/cg.out`,
          process.execPath,
          '--predictable',
          ...args,
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
  const count = Number(values.count);
  const rows = [];
  let name;
  for await (const line of createInterface({ input: child.stdout })) {
    const [word, ...rest] = line.split(' ');
    if (word === 'READY') {
      name = rest.join(' ');
      if (!values.time)
        execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
      child.stdin.write('go\n');
    } else if (word === 'DONE') {
      let figure = Number(rest[0]);
      if (!values.time) {
        execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
        const dumps = readdirSync(dir).filter((f) => f.startsWith('cg.out.'));
        const newest = dumps
          .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
          .at(-1);
        const text = readFileSync(path.join(dir, newest), 'utf8');
        figure = Number(/^(?:totals|summary): (\d+)/m.exec(text)[1]) / count;
      }
      rows.push({ name, figure });
      process.stderr.write(`${name.padEnd(28)} ${Math.round(figure)}\n`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const code = child.exitCode ?? (await new Promise((resolve) => child.once('exit', resolve)));
  if (code !== 0 || rows.length === 0) throw new Error(`the step runner exited with ${code}`);
  const unit = values.time ? 'ns per call' : 'instructions per call';
  console.log(`\n${values.size} KB order, ${count} calls per step after ${values.warm} of each\n`);
  console.log(`| step | ${unit} |`);
  console.log('|---|---:|');
  for (const row of rows)
    console.log(`| ${row.name} | ${Math.round(row.figure).toLocaleString('en')} |`);
  const steps = rows.filter((r) => !r.name.includes('(') && !r.name.startsWith('receive'));
  const sum = steps.reduce((total, r) => total + r.figure, 0);
  console.log(`| the steps above together | ${Math.round(sum).toLocaleString('en')} |`);
}

if (values.child) await child();
else await parent();
