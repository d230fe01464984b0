// The runtime scenario on Cloudflare's workerd: the Worker bundled and minified by wrangler from
// the package as installed from its tarball, served by workerd (see workerd.ts).
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { packedProject } from '../helpers/packed-project';
import { runScenario } from './scenario';
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
