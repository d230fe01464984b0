// The package the benchmarks measure, loaded through its `exports` as users load it: the build of
// this repository (`npm run build` makes dist/), or with VIOLET_PACKAGE the build of another
// checkout (`npm run bench:compare` builds a commit in a folder of its own). bench/ is a project
// of its own (bench/package.json), so the package is not a self-reference here.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.VIOLET_PACKAGE ?? fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(path.join(root, 'package.json'));

/** The entry point `entry` of the package: '' for the main one, or 'testing', 'redis', … */
export const underTest = (entry = '') =>
  require(entry === '' ? 'express-violet-webhooks' : `express-violet-webhooks/${entry}`);
