import { readFileSync } from 'node:fs';
import path from 'node:path';
import { transformSync } from '@swc/core';
import * as lib from '../../lib';
import * as testing from '../../lib/testing';

// The README's "Testing your listeners" example, run as written: its `app.ts` and `app.test.ts`
// blocks are compiled and evaluated here, so the tests they declare run as tests of this file.
const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
const blocks = new Map<string, string>();
for (const match of readme.matchAll(/```ts\n\/\/ (\S+)\n([\s\S]*?)```/g)) {
  blocks.set(match[1] as string, match[2] as string);
}

const packages: Record<string, unknown> = {
  'express-violet-webhooks': lib,
  'express-violet-webhooks/testing': testing,
};

function load(name: string): Record<string, unknown> {
  const source = blocks.get(name);
  if (source === undefined) throw new Error(`README has no \`// ${name}\` block`);
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

test('the README has the example', () => {
  expect([...blocks.keys()]).toEqual(expect.arrayContaining(['app.ts', 'app.test.ts']));
});

load('app.test.ts');
