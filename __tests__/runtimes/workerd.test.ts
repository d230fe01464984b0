// The runtime scenario on Cloudflare's workerd: the Worker bundled and minified by wrangler from
// the package as installed from its tarball, served by workerd (see workerd.ts).
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { packedProject } from '../helpers/packed-project';
import { finishedAt, postDelivery, runScenario, runtimeDelivery, type Served } from './scenario';
import { bundleWorker, startWorkerd } from './workerd';

let project = '';
beforeAll(() => {
  project = packedProject('workerd');
  mkdirSync(path.join(project, 'src'));
  copyFileSync(path.join(__dirname, 'receiver.ts'), path.join(project, 'src/receiver.ts'));
  copyFileSync(path.join(__dirname, 'servers/workerd.mjs'), path.join(project, 'src/worker.mjs'));
  bundleWorker(project, 'src/worker.mjs');
}, 180_000);
afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

test('the Worker bundled and minified by wrangler is at most 40 KB gzip', () => {
  const code = readFileSync(path.join(project, 'out/worker.js'));
  expect(code.length).toBeGreaterThan(0);
  expect(gzipSync(code, { level: 9 }).length).toBeLessThanOrEqual(40 * 1024);
});

runScenario('Cloudflare workerd (a Worker bundled by wrangler)', () => startWorkerd(project));

describe("workerd: work after the answer needs the Worker's ctx.waitUntil", () => {
  let worker: Served;
  beforeAll(async () => {
    worker = await startWorkerd(project);
  }, 120_000);
  afterAll(() => worker?.stop());

  // With the context, the same work finishes: the scenario's ack: 'immediate' test, above.
  test('without the context, workerd drops that work once the answer is out', async () => {
    const d = runtimeDelivery('MERCHANT_CONNECTED');
    const answer = await postDelivery(worker.origin, d, '/after-answer-without-context');
    expect(answer.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await finishedAt(worker.origin)).not.toContain(d.headers['x-violet-event-id']);
  });
});
