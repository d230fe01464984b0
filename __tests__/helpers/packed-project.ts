import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '../..');

/**
 * A fresh project in a temporary folder with the package installed from the tarball `npm pack`
 * makes (so, as users get it), and `dependencies` beside it; its `.js` files are of `type`.
 * Returns the folder.
 */
export function packedProject(
  label: string,
  dependencies: readonly string[] = [],
  type: 'module' | 'commonjs' = 'module',
): string {
  const project = mkdtempSync(path.join(tmpdir(), `violet-${label}-`));
  execFileSync('npm', ['pack', '--pack-destination', project, '--silent'], {
    cwd: root,
    stdio: 'ignore',
  });
  const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack made no tarball');
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: label, private: true, type }),
  );
  execFileSync(
    'npm',
    [
      'install',
      `./${tarball}`,
      ...dependencies,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: project, stdio: 'ignore' },
  );
  return project;
}

/** A binary of this repository's own devDependencies (bun, deno, ...). */
export const binary = (name: string): string => path.join(root, 'node_modules/.bin', name);

/** `name@version`, the version installed in this repository (for a project's dependencies). */
export function installed(name: string): string {
  const manifest = path.join(root, 'node_modules', name, 'package.json');
  return `${name}@${(JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version}`;
}
