// `npm run bench:compare -- <git-ref>`: the working tree against the commit `ref`, side by side.
// Builds `ref` in a temporary folder (its sources from `git archive`, this tree's node_modules),
// then loads the `violet` (Express) and `receive` (node:http) receivers of bench/server.mjs, one
// server on each build, with wrk in interleaved rounds (the order swapped every round), and
// prints the ratio of the working tree to `ref` per receiver and size: the median of the ratios
// taken within a round, and their range. A change to the hot path should show 1.00x or more.
// The rounds are shared among `--pairs` pairs of server processes (3), each pair started afresh
// in turn: one process can run a few per cent faster or slower than another of the same build
// for its whole life (where its code and heap landed), so one pair alone can show a difference
// that is not there. Each pair's median is printed too. `--base-env NAME=VALUE,...` adds to the
// environment of `ref`'s servers only (bench/server.mjs reads ORDERING and VALIDATION): with
// `HEAD`, an option weighed on one build, e.g. `-- HEAD --base-env ORDERING=off`.
//
//   npm run bench:compare -- main [--rounds 9] [--pairs 3] [--duration 2] [--sizes 4,340] [--only violet,receive] [--base-env NAME=VALUE]
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { orderOfSize } from './payloads.mjs';
import { luaScript, requireWrk, roundsInSet, startServer, wrk } from './wrk.mjs';

const { values, positionals } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    pairs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    sizes: { type: 'string', default: '4,340' },
    only: { type: 'string', default: 'violet,receive' },
    'base-env': { type: 'string', default: '' },
  },
  allowPositionals: true,
});
const [ref] = positionals;
if (ref === undefined) {
  console.error('Usage: npm run bench:compare -- <git-ref> [--rounds 9] [--sizes 4,340]');
  process.exit(2);
}
requireWrk();
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const rounds = Number(values.rounds);
const pairs = Math.max(1, Math.min(rounds, Number(values.pairs)));
const secret = 'bench-compare-secret';
const kinds = values.only.split(',');
const sizes = values.sizes.split(',').map(Number);
const baseEnv = Object.fromEntries(
  values['base-env']
    .split(',')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const work = mkdtempSync(path.join(tmpdir(), 'violet-compare-'));
const base = path.join(work, 'base');
try {
  const commit = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  execSync(`mkdir -p "${base}" && git archive "${commit}" | tar -x -C "${base}"`, { cwd: root });
  symlinkSync(path.join(root, 'node_modules'), path.join(base, 'node_modules'));
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: base, stdio: 'inherit' },
  );
  console.log(
    `working tree against ${ref} (${commit})${values['base-env'] ? ` with ${values['base-env']}` : ''}, ${rounds} rounds of ${values.duration} s in ${pairs} pairs of server processes`,
  );
  for (const kb of sizes) {
    const body = orderOfSize(kb * 1024);
    const bodyPath = path.join(work, `order-${kb}.json`);
    writeFileSync(bodyPath, body);
    for (const kind of kinds) {
      const script = path.join(work, `${kind}-${kb}.lua`);
      writeFileSync(script, luaScript('violet', bodyPath, body, secret));
      const ratios = [];
      const pairMedians = [];
      for (let pair = 0; pair < pairs; pair++) {
        // Which build starts first alternates too.
        const start = {
          head: () => startServer(kind, secret),
          base: () => startServer(kind, secret, { ...baseEnv, VIOLET_PACKAGE: base }),
        };
        const first = pair % 2 === 0 ? 'head' : 'base';
        const second = first === 'head' ? 'base' : 'head';
        const servers = { [first]: await start[first]() };
        servers[second] = await start[second]();
        const load = (which) =>
          wrk(servers[which].port, script, Number(values.duration), Number(values.connections));
        load('head');
        load('base'); // warm-up, not counted
        const own = [];
        for (let round = 0; round < roundsInSet(pair, rounds, pairs); round++) {
          const order = round % 2 === 0 ? ['head', 'base'] : ['base', 'head'];
          const rps = {};
          for (const which of order) rps[which] = load(which).rps;
          own.push(rps.head / rps.base);
        }
        await Promise.all(Object.values(servers).map((s) => s.stop()));
        ratios.push(...own);
        pairMedians.push(median(own));
      }
      const sorted = [...ratios].sort((a, b) => a - b);
      console.log(
        `${kind.padEnd(8)} ${String(kb).padStart(4)} KB: ${median(ratios).toFixed(2)}x the requests per second of ${ref} (rounds ${sorted[0].toFixed(2)} to ${sorted.at(-1).toFixed(2)}; pairs of processes ${pairMedians.map((r) => r.toFixed(2)).join(', ')})`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
