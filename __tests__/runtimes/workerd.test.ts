// The runtime scenario on Cloudflare's workerd: the Worker bundled and minified by wrangler from
// the package as installed from its tarball, served by workerd (see workerd.ts).
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { packedProject } from '../helpers/packed-project';
import { createDelivery, samplePayload } from '../../lib/testing';
import { until } from '../helpers/wait';
import { RUNTIME_SECRET } from './receiver';
import { runScenario, type Served } from './scenario';
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

describe("workerd keeps work after the answer alive through the Worker's ctx.waitUntil", () => {
  let worker: Served;
  beforeAll(async () => {
    worker = await startWorkerd(project);
  }, 120_000);
  afterAll(() => worker?.stop());

  const post = async (path: string, id: string) => {
    const d = createDelivery({
      type: 'MERCHANT_CONNECTED',
      eventId: id,
      secret: RUNTIME_SECRET,
      payload: samplePayload('MERCHANT_CONNECTED'),
    });
    const res = await fetch(worker.origin + path, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
    expect(res.status).toBe(200);
  };
  const finished = async () =>
    (await (await fetch(`${worker.origin}/finished`)).json()) as string[];

  test("ack: 'immediate': the listener finishes after the answer, within ctx.waitUntil", async () => {
    const id = `kept-${Date.now()}`;
    await post('/after-answer', id);
    await until(async () => (await finished()).includes(id), 5000);
  });

  test('without the context, workerd drops that work once the answer is out', async () => {
    const id = `dropped-${Date.now()}`;
    await post('/after-answer-without-context', id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await finished()).not.toContain(id);
  });
});
