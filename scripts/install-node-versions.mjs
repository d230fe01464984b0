// Installs the Node.js versions the runtime tests run the package on (22 and 24, beside the
// machine's own) into __tests__/runtimes/node-versions, from its own lock. They stay out of the
// project's devDependencies: each brings a `node` binary, which npm would link into
// node_modules/.bin, where it would take the place of the machine's Node.js in every npm script.
// Run by `npm test` before the tests; does nothing when the locked versions are installed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const folder = path.join(import.meta.dirname, '../__tests__/runtimes/node-versions');
const lock = JSON.parse(readFileSync(path.join(folder, 'package-lock.json'), 'utf8'));

const installed = Object.entries(lock.packages)
  .filter(([where]) => where !== '')
  .every(([where, { version }]) => {
    const manifest = path.join(folder, where, 'package.json');
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version;
  });

if (!installed) {
  console.log(
    'Installing Node.js 22 and 24 for the runtime tests (__tests__/runtimes/node-versions)',
  );
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: folder,
    stdio: 'inherit',
  });
}
