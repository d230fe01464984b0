// The runtime scenario in a Next.js App Router app, built with `next build` and served by
// `next start`, with the package installed from its tarball beside next, react and react-dom.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { createDelivery } from '../../lib/testing';
import { packedProject } from '../helpers/packed-project';
import { buildNext, nextDependencies, startNext } from './nextjs';
import { RUNTIME_SECRET } from './receiver';
import { runScenario, type Served } from './scenario';

const servers = path.join(__dirname, 'servers/nextjs');
const env = { VIOLET_APP_SECRET: RUNTIME_SECRET };

let project = '';
beforeAll(() => {
  project = packedProject('nextjs', nextDependencies());
  // The receiver as JavaScript: a TypeScript file would have next build want TypeScript.
  const receiver = ts.transpileModule(readFileSync(path.join(__dirname, 'receiver.ts'), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(path.join(project, 'receiver.js'), receiver.outputText);
  mkdirSync(path.join(project, 'app/[...path]'), { recursive: true });
  mkdirSync(path.join(project, 'app/violet'), { recursive: true });
  copyFileSync(
    path.join(servers, 'catch-all-route.mjs'),
    path.join(project, 'app/[...path]/route.js'),
  );
  copyFileSync(path.join(servers, 'violet-route.mjs'), path.join(project, 'app/violet/route.js'));
  buildNext(project, env);
}, 300_000);
afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

runScenario('Next.js (App Router, next build and next start)', () => startNext(project, env));

describe('Next.js: the route handler as the README writes it', () => {
  let served: Served;
  beforeAll(async () => {
    served = await startNext(project, env);
  }, 120_000);
  afterAll(() => served?.stop());

  test('export const POST = violet.fetch: signed 200, forged 401', async () => {
    const post = (secret: string) => {
      const d = createDelivery({ type: 'ORDER_SHIPPED', secret, bagId: 20000 });
      return fetch(`${served.origin}/violet`, { method: 'POST', headers: d.headers, body: d.body });
    };
    const signed = await post(RUNTIME_SECRET);
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ received: true });
    expect((await post('forged')).status).toBe(401);
  });
});
