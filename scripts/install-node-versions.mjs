// Installs what the runtime tests need beside the project's devDependencies, each folder from its
// own lock: Node.js 22 and 24 into __tests__/runtimes/node-versions (each brings a `node` binary,
// which npm would link into node_modules/.bin, where it would take the place of the machine's
// Node.js in every npm script), then, with that Node.js 22, the wrangler npm installs there into
// __tests__/runtimes/wrangler-node22 (the project's own is the last that runs on Node.js 20).
// Run by `npm test` before the tests; does nothing when the locked versions are installed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const runtimes = path.join(import.meta.dirname, '../__tests__/runtimes');
// npm's own script when run by npm; else the one installed beside this Node.js.
const npmCli =
  process.env.npm_execpath ??
  path.join(path.dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js');

/** Whether every package of `folder`'s lock is installed at its locked version. */
function installed(folder) {
  const lock = JSON.parse(readFileSync(path.join(folder, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages)
    .filter(([where, entry]) => where !== '' && entry.optional !== true)
    .every(([where, { version }]) => {
      const manifest = path.join(folder, where, 'package.json');
      return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version;
    });
}

/** `npm ci` in `folder` (under runtimes/), run by `node`, unless it is installed already. */
function install(name, what, node = process.execPath) {
  const folder = path.join(runtimes, name);
  if (installed(folder)) return;
  console.log(`Installing ${what} for the runtime tests (__tests__/runtimes/${name})`);
  execFileSync(node, [npmCli, 'ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: folder,
    stdio: 'inherit',
  });
}

install('node-versions', 'Node.js 22 and 24');
install(
  'wrangler-node22',
  'the wrangler npm installs on Node.js 22',
  path.join(runtimes, 'node-versions/node_modules/node22/bin/node'),
);
