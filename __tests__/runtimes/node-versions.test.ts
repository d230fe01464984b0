// The runtime scenario on Node.js 22 and 24 (from the npm registry, installed by `npm test`
// into node-versions/), each serving the receiver through @hono/node-server with the package
// as installed from its tarball. The machine's own Node.js runs it in node.test.ts.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describeIfAvailable } from '../helpers/needs';
import { installed, packedProject } from '../helpers/packed-project';
import { runScenario } from './scenario';
import { startServer } from './start-server';

const versions = path.join(__dirname, 'node-versions/node_modules');
const nodeOf = (name: string) => path.join(versions, name, 'bin/node');

let project = '';
beforeAll(() => {
  project = packedProject('node-versions', [installed('@hono/node-server')]);
  for (const file of ['receiver.ts', 'servers/node.mjs']) {
    copyFileSync(path.join(__dirname, file), path.join(project, path.basename(file)));
  }
}, 180_000);
afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

for (const [name, major] of [
  ['node22', 22],
  ['node24', 24],
] as const) {
  const node = nodeOf(name);
  describeIfAvailable(
    `Node.js ${major}`,
    existsSync(node),
    `Node.js ${major} in __tests__/runtimes/node-versions`,
    'npm test installs it (node scripts/install-node-versions.mjs)',
    () => {
      test(`the binary is Node.js ${major}`, () => {
        expect(execFileSync(node, ['--version']).toString()).toMatch(new RegExp(`^v${major}\\.`));
      });
      runScenario(`Node.js ${major} (node:http through @hono/node-server)`, () =>
        startServer(node, ['node.mjs'], { cwd: project, ready: /LISTENING (\d+)/ }),
      );
    },
  );
}
