import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const lib = path.join(__dirname, '../../lib');

/** What a file imports (types included), as written. */
function specifiersOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)].map(
    (m) => (m[1] ?? m[2]) as string,
  );
}

/** The modules of the package a file imports, resolved against lib/. */
function importsOf(file: string): string[] {
  return specifiersOf(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => path.relative(lib, path.resolve(path.dirname(file), s)));
}

const filesUnder = (folder: string) =>
  readdirSync(path.join(lib, folder))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(lib, folder, name));

describe('the pipeline and the worker sit below the factory', () => {
  test.each(['receive', 'bullmq'])('no module under lib/%s/ imports lib/options.ts', (folder) => {
    const offenders = filesUnder(folder).filter((file) => importsOf(file).includes('options'));
    expect(offenders.map((file) => path.relative(lib, file))).toEqual([]);
  });

  test('the check finds such an import', () => {
    const probe = path.join(lib, 'receive', 'pipeline.ts');
    expect(importsOf(probe)).toContain('receive/dispatch');
    expect(importsOf(path.join(lib, 'violet-webhooks.ts'))).toContain('options');
  });
});

describe('the pipeline knows its stores and its runtimes only through their seams', () => {
  test.each(['dedupe/memory-store', 'dedupe/redis-store', 'express', 'http', 'fetch'])(
    'no module under lib/receive/ imports lib/%s',
    (target) => {
      const offenders = filesUnder('receive').filter((file) =>
        importsOf(file).some(
          (imported) => imported === target || imported.startsWith(`${target}/`),
        ),
      );
      expect(offenders.map((file) => path.relative(lib, file))).toEqual([]);
    },
  );

  test('the check finds such an import', () => {
    expect(importsOf(path.join(lib, 'violet-webhooks.ts'))).toContain('express/middleware');
    expect(importsOf(path.join(lib, 'options.ts'))).toContain('dedupe/memory-store');
  });
});

describe('the pipeline takes a body as every adapter gives it, whatever the runtime', () => {
  test.each(['node:stream', 'node:http'])('no module under lib/receive/ imports %s', (target) => {
    const offenders = filesUnder('receive').filter((file) =>
      specifiersOf(file).some((s) => {
        const name = s.replace(/^node:/, '');
        return `node:${name}` === target || `node:${name}`.startsWith(`${target}/`);
      }),
    );
    expect(offenders.map((file) => path.relative(lib, file))).toEqual([]);
  });

  test('the check finds such an import', () => {
    expect(specifiersOf(path.join(lib, 'http', 'stream-chunks.ts'))).toContain('node:stream');
    expect(specifiersOf(path.join(lib, 'express', 'already-parsed.ts'))).toContain('node:http');
  });
});

describe('the adapters side by side: Express builds on node:http, never the other way', () => {
  test.each(['http', 'fetch'])('no module under lib/%s/ imports lib/express', (folder) => {
    const offenders = filesUnder(folder).filter((file) =>
      importsOf(file).some((imported) => imported.startsWith('express/')),
    );
    expect(offenders.map((file) => path.relative(lib, file))).toEqual([]);
  });

  test('the check finds such an import', () => {
    expect(importsOf(path.join(lib, 'express', 'already-parsed.ts'))).toContain(
      'http/read-by-middleware',
    );
  });
});
