// A project in a temporary folder with this package installed from the tarball `npm pack`
// makes (as users get it), `dependencies` beside it, and `files` written into it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
export const bin = (name) => path.join(root, 'node_modules/.bin', name);

/** How the benchmarks run a server file with Deno: loopback only, the package from node_modules. */
export const denoRun = (file) => [
  bin('deno'),
  [
    'run',
    '--allow-net=127.0.0.1',
    '--allow-read',
    '--allow-env',
    '--node-modules-dir=manual',
    file,
  ],
];

export function packedProject(label, files = {}, dependencies = []) {
  const dir = mkdtempSync(path.join(tmpdir(), `violet-${label}-`));
  execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], {
    cwd: root,
    stdio: 'ignore',
  });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  execFileSync(
    'npm',
    ['install', `./${tarball}`, ...dependencies, '--prefer-offline', '--no-audit', '--no-fund'],
    { cwd: dir, stdio: 'ignore' },
  );
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}
