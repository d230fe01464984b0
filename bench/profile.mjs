// Where each receiver's CPU goes under load: every receiver runs with V8's sampling profiler
// (node --cpu-prof) while wrk loads it as in `npm run bench`, and the self time of its busiest
// functions is printed in µs per request, counted over the measured burst only (not the
// warm-up). Self time: what a function spends in its own code, not in what it calls.
//
// With --steps, self times are added up per step of a delivery instead (bench/profile-steps.mjs),
// one column per receiver: where each receiver's CPU goes, step by step.
//
//   npm run bench:profile -- [--only violet,express-json] [--sizes 340] [--seconds 6] [--top 12] [--steps]
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { orderOfSize, receiversFrom } from './payloads.mjs';
import { printSteps, stepOf } from './profile-steps.mjs';
import { luaScript, requireWrk, startServer, wrk } from './wrk.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'express-json,violet,octokit' },
    sizes: { type: 'string', default: '4,340' },
    seconds: { type: 'string', default: '6' },
    connections: { type: 'string', default: '32' },
    top: { type: 'string', default: '12' },
    steps: { type: 'boolean', default: false },
  },
});
requireWrk();
const secret = 'bench-secret';
const work = mkdtempSync(path.join(tmpdir(), 'violet-profile-'));

/** Self time per function (µs) of the samples taken between `from` and `to` (monotonic µs). */
function selfTimes(profile, from, to) {
  const names = new Map(
    profile.nodes.map(({ id, callFrame: { functionName, url, lineNumber } }) => [
      id,
      `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''}`.trim(),
    ]),
  );
  const frames = new Map(profile.nodes.map(({ id, callFrame }) => [id, callFrame]));
  const times = new Map();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    const next = profile.timeDeltas[i + 1] ?? 0;
    if (at < from || at > to) return;
    const name = values.steps ? stepOf(frames.get(id)) : names.get(id);
    times.set(name, (times.get(name) ?? 0) + next);
  });
  return times;
}

const columns = [];
for (const bytes of values.sizes.split(',').map((kb) => Number(kb) * 1024)) {
  const body = orderOfSize(bytes);
  const bodyPath = path.join(work, `order-${bytes}.json`);
  writeFileSync(bodyPath, body);
  for (const { kind, label } of receiversFrom(values.only)) {
    const dir = path.join(work, `${kind}-${bytes}`);
    const script = `${dir}.lua`;
    writeFileSync(script, luaScript(kind, bodyPath, body, secret));
    const server = await startServer(kind, secret, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    wrk(server.port, script, 2, Number(values.connections)); // warm-up, not counted
    const before = await server.stats();
    const { rps } = wrk(server.port, script, Number(values.seconds), Number(values.connections));
    const after = await server.stats();
    await server.stop();
    const [file] = readdirSync(dir);
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const requests = after.requests - before.requests;
    const times = [...selfTimes(profile, before.clock, after.clock)].sort((a, b) => b[1] - a[1]);
    const perRequest = (us) => (us / requests).toFixed(2).padStart(7);
    const cpu = (after.cpu - before.cpu) / requests;
    console.log(
      `\n${label}, ${body.length} bytes: ${Math.round(rps)} req/s, ${cpu.toFixed(0)} µs of CPU per request (all threads)`,
    );
    if (values.steps) {
      columns.push({ label, bytes: body.length, rps, cpu, requests, times: new Map(times) });
      continue;
    }
    for (const [name, us] of times.slice(0, Number(values.top))) {
      console.log(`  ${perRequest(us)} µs  ${name}`);
    }
  }
}
if (values.steps) printSteps(columns);
rmSync(work, { recursive: true, force: true });
