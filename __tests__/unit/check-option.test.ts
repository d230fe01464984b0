import { MemoryDedupeStore, violetWebhooks } from '../../lib';
import { VioletAdmin } from '../../lib/admin';
import { bullmqQueue, createVioletWorker } from '../../lib/bullmq';
import { PostgresDedupeStore, PostgresInbox } from '../../lib/postgres';
import { RedisDedupeStore } from '../../lib/redis';

// Every factory of the package refuses a bad option with a TypeError of one format, naming the
// package, the function (when not violetWebhooks itself) and the option.
const connection = { host: '127.0.0.1', port: 1 };
const client = {
  set: () => Promise.resolve(null),
  get: () => Promise.resolve(null),
  eval: () => Promise.resolve(0),
};
const admin = { appId: 1, appSecret: 'app-secret', username: 'u@example.com', password: 'pw' };
const loose = <T>(options: unknown) => options as T;
const pool = { query: () => Promise.reject(new Error('no')), connect: () => Promise.reject() };
const inbox = new PostgresInbox(pool);
const store = new PostgresDedupeStore(pool);

test.each<[string, () => unknown, string]>([
  [
    'violetWebhooks timeout',
    () => violetWebhooks(loose({ secret: 's', timeout: 0 })),
    'express-violet-webhooks: option `timeout` must be a positive whole number of milliseconds',
  ],
  [
    'violetWebhooks respond',
    () => violetWebhooks(loose({ secret: 's', respond: 'no' })),
    'express-violet-webhooks: option `respond` must be true or false',
  ],
  [
    'MemoryDedupeStore max',
    () => new MemoryDedupeStore({ max: 0 }),
    'express-violet-webhooks: MemoryDedupeStore option `max` must be a positive whole number',
  ],
  [
    'MemoryDedupeStore ttlMs',
    () => new MemoryDedupeStore({ ttlMs: -1 }),
    'express-violet-webhooks: MemoryDedupeStore option `ttlMs` must be a positive whole number of milliseconds',
  ],
  [
    'RedisDedupeStore prefix',
    () => new RedisDedupeStore(client, loose({ prefix: 5 })),
    'express-violet-webhooks: RedisDedupeStore option `prefix` must be a string',
  ],
  [
    'RedisDedupeStore commandTimeoutMs',
    () => new RedisDedupeStore(client, loose({ commandTimeoutMs: 'soon' })),
    'express-violet-webhooks: RedisDedupeStore option `commandTimeoutMs` must be a positive whole number of milliseconds',
  ],
  [
    'bullmqQueue prefix',
    () => bullmqQueue({ connection, name: 'q', prefix: '' }),
    'express-violet-webhooks: bullmqQueue option `prefix` must be a non-empty string',
  ],
  [
    'bullmqQueue enqueueTimeout',
    () => bullmqQueue({ connection, name: 'q', enqueueTimeout: 1.5 }),
    'express-violet-webhooks: bullmqQueue option `enqueueTimeout` must be a positive whole number of milliseconds',
  ],
  [
    'VioletAdmin environment',
    () => new VioletAdmin(loose({ ...admin, environment: 'prod' })),
    "express-violet-webhooks: VioletAdmin option `environment` must be 'sandbox' or 'live'",
  ],
  [
    'VioletAdmin retries',
    () => new VioletAdmin(loose({ ...admin, retries: -1 })),
    'express-violet-webhooks: VioletAdmin option `retries` must be a whole number, 0 or more',
  ],
  [
    'PostgresDedupeStore keepBody',
    () => new PostgresDedupeStore(pool, loose({ keepBody: 'yes' })),
    'express-violet-webhooks: PostgresDedupeStore option `keepBody` must be true or false',
  ],
  [
    'PostgresDedupeStore keepDoneMs',
    () => new PostgresDedupeStore(pool, loose({ keepDoneMs: 0 })),
    'express-violet-webhooks: PostgresDedupeStore option `keepDoneMs` must be a positive whole number of milliseconds',
  ],
  [
    'inbox.prune olderThanMs',
    () => inbox.prune({ olderThanMs: -1 }),
    'express-violet-webhooks: inbox.prune option `olderThanMs` must be a positive whole number of milliseconds',
  ],
])('%s: a TypeError in the one format', (_label, make, message) => {
  expect(make).toThrow(TypeError);
  expect(make).toThrow(message);
});

test.each<[string, () => Promise<unknown>, string]>([
  [
    'inbox.once scope',
    () => inbox.once(loose({ id: 'e', type: 'ORDER_SHIPPED' }), () => 1, loose({ scope: 1 })),
    'express-violet-webhooks: inbox.once option `scope` must be a string',
  ],
  [
    'events() state',
    () => store.events(loose({ state: 'pending' })),
    "express-violet-webhooks: events() option `state` must be 'claimed' or 'done' or 'failed'",
  ],
  [
    'events() limit',
    () => store.events({ limit: 0 }),
    'express-violet-webhooks: events() option `limit` must be a positive whole number',
  ],
])('%s: a rejection with a TypeError in the one format', async (_label, make, message) => {
  await expect(make()).rejects.toThrow(TypeError);
  await expect(make()).rejects.toThrow(message);
});

test.each<[string, () => unknown, string]>([
  ['violetWebhooks', () => violetWebhooks(loose(undefined)), 'violetWebhooks(options)'],
  ['bullmqQueue', () => bullmqQueue(loose(null)), 'bullmqQueue(options)'],
  ['createVioletWorker', () => createVioletWorker(loose(7)), 'createVioletWorker(options)'],
])('%s without an options object names the call and what it needs', (_label, make, call) => {
  expect(make).toThrow(TypeError);
  expect(make).toThrow(`express-violet-webhooks: ${call} needs an options object with \``);
});
