import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packedProject } from '../helpers/packed-project';

// The package as users get it: packed, installed into a fresh project with express, then used
// with require, with import, from strict TypeScript, and through its command.
const root = path.join(__dirname, '../..');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
let project = '';

function run(command: string, args: string[], input?: string): string {
  return execFileSync(command, args, {
    cwd: project,
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

const consumer = `import express from 'express';
import { violetWebhooks, type OrderEvent, type VioletEvent } from 'express-violet-webhooks';
import { createDelivery, samplePayload } from 'express-violet-webhooks/testing';
import { RedisDedupeStore, type RedisClientLike } from 'express-violet-webhooks/redis';
import { VioletAdmin, VioletApiError, type WebhookDelivery } from 'express-violet-webhooks/admin';

const violet = violetWebhooks({ secret: 'smoke' });
violet.on('ORDER_SHIPPED', (event: OrderEvent) => {
  const bagId: number | undefined = event.bag?.id;
  void bagId;
});
violet.on('TRANSFER_SENT', (event) => {
  const amount: number | null | undefined = event.transfer.amount;
  // @ts-expect-error a transfer event has no order
  void event.order;
  void amount;
});
const app = express();
app.post('/webhooks/violet', violet, (req, res) => {
  const event: VioletEvent | undefined = req.violet;
  res.json({ type: event?.type });
});
const order = samplePayload('ORDER_SHIPPED');
const delivery: { headers: Record<string, string>; body: string } = createDelivery({ type: 'ORDER_SHIPPED', secret: 'smoke', payload: order });
const admin = new VioletAdmin({ appId: 1, appSecret: 's', username: 'u', password: 'p' });
const failed = (d: WebhookDelivery): boolean => d.status === 'FAILED';
void [admin, failed, VioletApiError];
declare const client: RedisClientLike;
void new RedisDedupeStore(client);
void delivery;
`;

function tsconfig(module: string, moduleResolution: string): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      module,
      moduleResolution,
      target: 'ES2022',
      types: ['node'],
      skipLibCheck: false,
      exactOptionalPropertyTypes: true,
      esModuleInterop: true,
    },
    files: ['consumer.ts', 'narrowing.ts'],
  });
}

beforeAll(() => {
  project = packedProject(
    'smoke',
    ['express@^5', '@types/express@^5', '@types/node@^20'],
    'commonjs',
  );
}, 180_000);

afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

const pipeline = `
  const { violetWebhooks, VIOLET_EVENT_TYPES } = PKG;
  const { createDelivery } = TESTING;
  const violet = violetWebhooks({ secret: 's' });
  let got = '';
  violet.on('ORDER_SHIPPED', (e) => { got = e.bag.merchant_name; });
  const d = createDelivery({ type: 'ORDER_SHIPPED', secret: 's' });
  violet.receive({ headers: d.headers, body: d.body }).then((r) => console.log(r.status, got, VIOLET_EVENT_TYPES.length));
`;

test('require() works, with the testing and redis entry points', () => {
  const code = `const PKG = require('express-violet-webhooks'); const TESTING = require('express-violet-webhooks/testing');
    require('express-violet-webhooks/redis');
    if (typeof require('express-violet-webhooks/admin').VioletAdmin !== 'function') throw new Error('no admin');
    ${pipeline}`;
  expect(run('node', ['-e', code]).trim()).toBe('200 Maple & Pine Outfitters 53');
});

test('import works, with named exports', () => {
  const code = `import * as PKG from 'express-violet-webhooks'; import * as TESTING from 'express-violet-webhooks/testing';
    import { RedisDedupeStore } from 'express-violet-webhooks/redis'; if (typeof RedisDedupeStore !== 'function') throw new Error('no store');
    ${pipeline}`;
  expect(run('node', ['--input-type=module', '-e', code]).trim()).toBe(
    '200 Maple & Pine Outfitters 53',
  );
});

test.each([
  ['node16', 'node16'],
  ['nodenext', 'nodenext'],
  ['esnext', 'bundler'],
])(
  'a strict TypeScript file compiles with module %s / moduleResolution %s',
  (module, resolution) => {
    writeFileSync(path.join(project, 'consumer.ts'), consumer);
    // The narrowing type tests, against the published types rather than the sources.
    copyFileSync(
      path.join(__dirname, '../types/narrowing.typecheck.ts'),
      path.join(project, 'narrowing.ts'),
    );
    writeFileSync(path.join(project, 'tsconfig.json'), tsconfig(module, resolution));
    expect(() => run('node', [tsc, '-p', 'tsconfig.json'])).not.toThrow();
  },
);

test('the packed files are only what users need', () => {
  const listing = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  const files: string[] = JSON.parse(listing)[0].files.map((f: { path: string }) => f.path);
  expect(files).toContain('dist/index.js');
  expect(files).toContain('dist/index.d.ts');
  expect(files).toContain('LICENSE');
  expect(
    files.filter((f) => !/^(dist\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/.test(f)),
  ).toEqual([]);
});

test('the command runs from node_modules/.bin', () => {
  const types = run(path.join(project, 'node_modules/.bin/violet-webhooks'), ['types']);
  expect(types.trim().split('\n')).toHaveLength(53);
  expect(
    run(
      path.join(project, 'node_modules/.bin/violet-webhooks'),
      ['sign', '--secret', 's'],
      '{}',
    ).trim(),
  ).toMatch(/^[A-Za-z0-9+/]{43}=$/);
});
