// The runtime scenario in a Next.js App Router app, built with `next build` and served by
// `next start`, with the package installed from its tarball beside next, react and react-dom;
// and the docs' route handler (docs/runtimes.md, `// route.ts`) copied as it is. The app is built
// without the secret, as a CI build often is, and started with it.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { namedBlock } from '../docs/pages';
import { packedProject } from '../helpers/packed-project';
import { until } from '../helpers/wait';
import { buildNext, failedNextBuild, nextDependencies, startNext } from './nextjs';
import { RUNTIME_SECRET } from './receiver';
import { postDelivery, runScenario, runtimeDelivery, type Served } from './scenario';

const servers = path.join(__dirname, 'servers/nextjs');
const env = { VIOLET_APP_SECRET: RUNTIME_SECRET };

/** Copies `file` of servers/nextjs/ to `route` of the app. */
function route(project: string, file: string, route: string): void {
  mkdirSync(path.join(project, 'app', route), { recursive: true });
  copyFileSync(path.join(servers, file), path.join(project, 'app', route, 'route.js'));
}

let project = '';
beforeAll(() => {
  // TypeScript and the types Next.js wants for the docs' route.ts.
  project = packedProject(
    'nextjs',
    nextDependencies(['typescript', '@types/node', '@types/react']),
  );
  // The receiver as JavaScript, as the scenario's other servers load it.
  const receiver = ts.transpileModule(readFileSync(path.join(__dirname, 'receiver.ts'), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(path.join(project, 'receiver.js'), receiver.outputText);
  route(project, 'catch-all-route.mjs', '[...path]');
  route(project, 'after-route.mjs', 'after');
  mkdirSync(path.join(project, 'app/docs/webhooks/violet'), { recursive: true });
  writeFileSync(
    path.join(project, 'app/docs/webhooks/violet/route.ts'),
    namedBlock('route.ts').source,
  );
  buildNext(project); // no secret
}, 400_000);
afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

runScenario('Next.js (App Router, next build and next start)', () => startNext(project, env));

describe("Next.js: the docs' route handler, built without the secret", () => {
  let served: Served;
  beforeAll(async () => {
    served = await startNext(project, env);
  }, 120_000);
  afterAll(() => served?.stop());

  test('signed 200, forged 401', async () => {
    const signed = await postDelivery(
      served.origin,
      runtimeDelivery('ORDER_SHIPPED', { bagId: 20000 }),
      '/docs/webhooks/violet',
    );
    expect(signed.status).toBe(200);
    expect(signed.body).toEqual({ received: true });
    const forged = runtimeDelivery('ORDER_SHIPPED', { secret: 'forged' });
    expect((await postDelivery(served.origin, forged, '/docs/webhooks/violet')).status).toBe(401);
  });

  test("waitUntil: after() keeps the listeners' work after the answer, and it completes", async () => {
    const d = runtimeDelivery('ORDER_SHIPPED');
    const answered = await postDelivery(served.origin, d, '/after');
    expect(answered.status).toBe(200);
    const state = async () =>
      (await (await fetch(`${served.origin}/after`)).json()) as {
        handed: number;
        finished: string[];
      };
    // Answered before the listener's 300 ms were over, and the work went to after().
    const first = await state();
    expect(first.handed).toBe(1);
    expect(first.finished).not.toContain(d.headers['x-violet-event-id']);
    await until(async () =>
      (await state()).finished.includes(d.headers['x-violet-event-id'] as string),
    );
  });
});

describe("Next.js's Edge runtime", () => {
  let edge = '';
  afterAll(() => {
    if (edge !== '') rmSync(edge, { recursive: true, force: true });
  });

  test('refused at next build, with the error docs/runtimes.md names', () => {
    edge = packedProject(
      'nextjs-edge',
      nextDependencies(['typescript', '@types/node', '@types/react']),
    );
    mkdirSync(path.join(edge, 'app/webhooks/violet'), { recursive: true });
    writeFileSync(
      path.join(edge, 'app/webhooks/violet/route.ts'),
      `${namedBlock('route.ts').source}\nexport const runtime = 'edge';\n`,
    );
    const printed = failedNextBuild(edge);
    expect(printed).toContain("Cannot find module 'node:crypto'");
    expect(readFileSync(path.join(__dirname, '../../docs/runtimes.md'), 'utf8')).toMatch(
      /Edge runtime[\s\S]*not\s+supported[\s\S]*Cannot find module\s+'node:crypto'/,
    );
  }, 300_000);
});
