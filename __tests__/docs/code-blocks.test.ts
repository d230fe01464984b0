import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { pages, root, tsBlocks, type CodeBlock } from './pages';

// Every TypeScript block of the README, of CONTRIBUTING.md and of the pages of docs/, compiled by
// tsc in strict mode against the package's types: a name, option or event type that a page shows
// and the package does not have fails here, pointing at the page's line. A block is a module of
// its own; a block that begins with `// name.ts` is that file (so `app.test.ts` can import
// `./app` from the same page). What the pages leave to the reader's app (its `app`, its `log`,
// the secret) is declared in GLOBALS below. One tsc run checks every page, each in a folder.
const dir = path.join(root, '.tmp', `docs-typecheck-${process.pid}`);

const GLOBALS = `
declare const app: import('express').Express;
declare const violet: import('express-violet-webhooks').VioletWebhooks;
declare const secret: string;
declare const connection: import('bullmq').ConnectionOptions;
declare const name: string;
declare const http: typeof import('node:http');
declare const violetWebhooks: typeof import('express-violet-webhooks').violetWebhooks;
declare const createVioletWorker: typeof import('express-violet-webhooks/bullmq').createVioletWorker;
declare const orders: { exists(orderId: number): Promise<boolean> };
declare function log(...values: unknown[]): void;
declare function audit(...values: unknown[]): void;
declare function notify(bag: unknown): void;
declare function ship(bag: unknown): Promise<void>;
declare function markShipped(orderId: number, fulfillments: unknown): Promise<void>;
declare function saveMerchant(merchant: unknown): Promise<void>;
declare function alreadyHave(entityId: unknown): boolean;
`;

/** The folder of a page's blocks: `docs/queue.md` is `docs__queue`. */
const folderOf = (page: string): string => page.replace(/\.md$/, '').replace(/\//g, '__');

interface Written extends CodeBlock {
  /** The block's file, relative to `dir`. */
  file: string;
}

function writeBlocks(): Written[] {
  const written: Written[] = [];
  for (const page of pages) {
    const folder = folderOf(page);
    mkdirSync(path.join(dir, folder), { recursive: true });
    tsBlocks(page).forEach((block, index) => {
      // Top-level await makes a block an ES module.
      const esm = /^(?:const .*= )?await /m.test(block.source);
      const file = `${folder}/${block.name ?? `block-${index + 1}.${esm ? 'mts' : 'ts'}`}`;
      writeFileSync(path.join(dir, file), `${block.source}export {};\n`);
      written.push({ ...block, file });
    });
  }
  return written;
}

/** tsc's errors (an error and its indented continuation lines), pointed at the pages. */
function errorsByPage(output: string, blocks: Written[]): Map<string, string[]> {
  const byPage = new Map<string, string[]>();
  for (const error of output.split(/\n(?=\S)/).filter((text) => text.trim() !== '')) {
    const at = /^([\w./-]+)\((\d+),(\d+)\)/.exec(error);
    const block = blocks.find((b) => b.file === at?.[1]);
    const page = block?.page ?? '(none)';
    const text =
      block === undefined
        ? error
        : error.replace(at?.[0] ?? '', `${page}:${block.line + Number(at?.[2]) - 1}`);
    byPage.set(page, [...(byPage.get(page) ?? []), text.trimEnd()]);
  }
  return byPage;
}

let blocks: Written[] = [];
let errors = new Map<string, string[]>();

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  blocks = writeBlocks();
  writeFileSync(path.join(dir, 'globals.d.ts'), GLOBALS);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.json',
      compilerOptions: { noUnusedLocals: false, noUnusedParameters: false },
      include: ['*.ts', '**/*.ts', '**/*.mts'],
    }),
  );
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const output = await promisify(execFile)(
    process.execPath,
    [tsc, '-p', dir, '--pretty', 'false'],
    {
      cwd: dir,
    },
  ).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  errors = errorsByPage(output, blocks);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the pages have TypeScript blocks to check', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(12);
  expect(blocks.filter((b) => b.page === 'README.md').length).toBeGreaterThanOrEqual(3);
});

test.each(pages)('every TypeScript block of %s compiles against the package', (page) => {
  expect((errors.get(page) ?? []).join('\n')).toBe('');
});

test('tsc reports nothing outside the pages', () => {
  expect((errors.get('(none)') ?? []).join('\n')).toBe('');
});
