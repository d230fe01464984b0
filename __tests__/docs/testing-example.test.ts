import { transformSync } from '@swc/core';
import * as lib from '../../lib';
import * as testing from '../../lib/testing';
import { namedBlock } from './pages';

// The example of docs/testing.md, run as written: its `app.ts` and `app.test.ts` blocks are
// compiled and evaluated here, so the tests they declare run as tests of this file.

const packages: Record<string, unknown> = {
  'express-violet-webhooks': lib,
  'express-violet-webhooks/testing': testing,
};

function load(name: string): Record<string, unknown> {
  const { source } = namedBlock(name);
  const { code } = transformSync(source, {
    filename: name,
    module: { type: 'commonjs' },
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  });
  const module = { exports: {} as Record<string, unknown> };
  const requireShim = (id: string): unknown => {
    if (id in packages) return packages[id];
    if (id.startsWith('./')) return load(`${id.slice(2)}.ts`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the example's own imports
    return require(id);
  };
  new Function('require', 'module', 'exports', 'jest', code)(
    requireShim,
    module,
    module.exports,
    jest,
  );
  return module.exports;
}

test('docs/testing.md has the example', () => {
  expect(namedBlock('app.ts').page).toBe('docs/testing.md');
  expect(namedBlock('app.test.ts').page).toBe('docs/testing.md');
});

load('app.test.ts');
