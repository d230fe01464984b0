// Installs the bench's own dependencies (bench/package.json: the peers it measures) when
// bench/node_modules is missing or does not match bench/package-lock.json. The root's
// `npm run bench*` scripts run it after the build. Everything else the benchmarks import
// (express, BullMQ, ioredis, pg, OpenTelemetry, wrangler, Bun, Deno, workerd) is a
// devDependency of the repository, found in its node_modules.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bench = fileURLToPath(new URL('.', import.meta.url));
const read = (file) => {
  try {
    return JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')).packages;
  } catch {
    return undefined;
  }
};
const locked = read('package-lock.json');
const installed = read('node_modules/.package-lock.json');
const current =
  installed !== undefined &&
  Object.entries(locked)
    .filter(([name]) => name !== '')
    .every(([name, { version }]) => installed[name]?.version === version);
if (!current) {
  console.error('installing the bench dependencies (bench/package.json)');
  // Errors only: svix 2.5 declares Node.js >= 22, and the bench only bundles it (bench:size).
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: bench,
    stdio: 'inherit',
  });
}
