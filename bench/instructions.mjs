// Instructions per delivery of every receiver, counted by valgrind's callgrind (see
// bench/callgrind.mjs for how): a measure that other load on the machine does not disturb,
// unlike req/s on a shared machine.
//
//   npm run bench:instructions -- [--only a,b] [--sizes 4,340] [--warm N] [--count N] [--jobs 2]
// The servers inherit the environment: VIOLET_PACKAGE=<a checkout, built> counts that build
// (bench/under-test.mjs), ORDERING=off or VALIDATION=off sets that option (bench/server.mjs);
// --no-write leaves docs/bench-instructions.json as it is.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inParallel, instructionsPerDelivery } from './callgrind.mjs';
import { orderOfSize, receiversFrom } from './payloads.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    warm: { type: 'string' },
    count: { type: 'string' },
    jobs: { type: 'string', default: '2' },
    sizes: { type: 'string' },
    write: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const secret = 'bench-secret';
const KINDS = receiversFrom(values.only);
const SIZES = [
  { name: '4 KB', bytes: 4 * 1024, warm: 8000, count: 2000 },
  { name: '340 KB', bytes: 340 * 1024, warm: 400, count: 100 },
]
  .filter((s) => !values.sizes || values.sizes.split(',').includes(String(s.bytes / 1024)))
  .map((s) => ({
    ...s,
    warm: Number(values.warm ?? s.warm),
    count: Number(values.count ?? s.count),
  }));

const server = path.join(root, 'bench/server.mjs');
const results = [];
for (const size of SIZES) {
  const body = orderOfSize(size.bytes);
  const rows = KINDS.map(({ kind, label }) => ({ kind, label, instructions: NaN }));
  await inParallel(rows, Number(values.jobs), async (row) => {
    row.instructions = await instructionsPerDelivery({
      server,
      kind: row.kind,
      secret,
      body,
      warm: size.warm,
      count: size.count,
    });
    console.log(
      `${size.name.padEnd(7)} ${row.kind.padEnd(13)} ${(row.instructions / 1e6).toFixed(3)} M instructions per delivery`,
    );
  });
  results.push({ size: size.name, bytes: body.length, rows });
}

console.log(
  '\n| body | receiver | M instructions per delivery | cost of the floor / this | cost of express.json() / this | cost of @octokit / this |',
);
console.log('|---|---|---:|---:|---:|---:|');
for (const group of results) {
  const of = (kind) => group.rows.find((r) => r.kind === kind)?.instructions ?? NaN;
  for (const row of group.rows) {
    console.log(
      `| ${group.size} | ${row.label} | ${(row.instructions / 1e6).toFixed(3)} | ${(of('floor') / row.instructions).toFixed(2)}x | ${(of('express-json') / row.instructions).toFixed(2)}x | ${(of('octokit') / row.instructions).toFixed(2)}x |`,
    );
  }
}
if (values.write)
  writeFileSync(
    path.join(root, 'docs/bench-instructions.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
