// How long creating the middleware takes, with every built-in schema, in a fresh process each
// time (no warm caches): the median of several runs, and the cost of loading the package.
//
//   npm run bench:create -- [--runs 15]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);

const probe = `
const t0 = performance.now();
const { violetWebhooks } = require('express-violet-webhooks');
const t1 = performance.now();
violetWebhooks({ secret: 'bench' });
const t2 = performance.now();
violetWebhooks({ secret: 'bench', schemas: { MERCHANT_CONNECTED: { type: 'object', required: ['id'] } } });
const t3 = performance.now();
process.stdout.write(JSON.stringify({ load: t1 - t0, create: t2 - t1, custom: t3 - t2 }));
`;

const samples = [];
for (let i = 0; i < runs; i++) {
  samples.push(JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })));
}
const median = (key) => {
  const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
console.log(`fresh processes: ${runs}`);
console.log(
  `create the middleware, every built-in schema: median ${median('create').toFixed(2)} ms (target: under 20 ms)`,
);
console.log(`load the package (require):                   median ${median('load').toFixed(2)} ms`);
console.log(
  `create with one custom schema (loads ajv):    median ${median('custom').toFixed(2)} ms`,
);
