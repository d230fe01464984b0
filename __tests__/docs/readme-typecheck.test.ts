import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

// Every TypeScript block of the README, compiled by tsc in strict mode against the package's
// types: a name, option or event type that the README shows and the package does not have fails
// here, pointing at the README's line. A block is a module of its own; a block that begins with
// `// name.ts` is that file (so `app.test.ts` can import `./app`). What the README leaves to
// the reader's app (its `app`, its `log`, the secret) is declared in GLOBALS below.
const root = path.join(__dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const dir = path.join(root, '.tmp', `readme-typecheck-${process.pid}`);

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

interface Block {
  file: string;
  /** The README's line of the block's first line. */
  line: number;
}

function writeBlocks(): Block[] {
  const blocks: Block[] = [];
  for (const match of readme.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const source = match[1] as string;
    const named = /^\/\/ ([\w.-]+\.ts)\n/.exec(source)?.[1];
    // Top-level await makes a block an ES module.
    const esm = /^(?:const .*= )?await /m.test(source);
    const file = named ?? `block-${blocks.length + 1}.${esm ? 'mts' : 'ts'}`;
    writeFileSync(path.join(dir, file), `${source}export {};\n`);
    blocks.push({ file, line: readme.slice(0, match.index).split('\n').length + 1 });
  }
  return blocks;
}

/** tsc's `file(line,col): error ...` lines, pointed at the README instead. */
function onReadme(output: string, blocks: Block[]): string {
  return output.replace(/^([\w.-]+)\((\d+),(\d+)\)/gm, (whole, file: string, line: string) => {
    const block = blocks.find((b) => b.file === file);
    return block === undefined ? whole : `README.md:${block.line + Number(line) - 1}`;
  });
}

beforeAll(() => mkdirSync(dir, { recursive: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('every TypeScript block of the README compiles against the package', async () => {
  const blocks = writeBlocks();
  expect(blocks.length).toBeGreaterThanOrEqual(10);
  writeFileSync(path.join(dir, 'globals.d.ts'), GLOBALS);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.json',
      compilerOptions: { noUnusedLocals: false, noUnusedParameters: false },
      include: ['*.ts', '*.mts'],
    }),
  );
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', dir], {
    cwd: dir,
  }).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(onReadme(result, blocks)).toBe('');
}, 120_000);
