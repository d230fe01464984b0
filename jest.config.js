// The test groups, one Jest project each, by what their tests need; `npm test` runs them all,
// `jest --selectProjects <group>` (the `test:<group>` scripts) one of them. Every test file is in
// exactly one group: __tests__/unit/test-groups.test.ts fails otherwise.
//
// A group is the test files under its folders (relative to __tests__/) and its files, less its
// `except` files. Only the groups that use a service run the global setup, which finds (or
// starts) the Redis and the PostgreSQL of the tests.

const services = {
  globalSetup: '<rootDir>/__tests__/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/helpers/global-teardown.ts',
};

/** Test files that a Redis (or a redis-server binary) serves, without BullMQ. */
const redis = [
  'unit/redis-store.test.ts',
  'integration/delivery-guarantees.test.ts',
  'integration/multi-instance.test.ts',
  'integration/redis-startup.test.ts',
  'integration/upstash-store.test.ts',
];
/** Test files of the BullMQ queue and worker, on Redis. */
const queue = [
  'integration/bullmq-outage.test.ts',
  'integration/bullmq-processes.test.ts',
  'integration/bullmq-worker.test.ts',
  'integration/telemetry-queue.test.ts',
  'integration/telemetry-shared-meter.test.ts',
];
/** Test files that a PostgreSQL serves (some with Redis as well). */
const postgres = [
  'integration/postgres-cli.test.ts',
  'integration/postgres-inbox.test.ts',
  'integration/postgres-middleware.test.ts',
  'integration/postgres-newest.test.ts',
  'integration/postgres-outage.test.ts',
  'integration/postgres-pgbouncer.test.ts',
  'integration/postgres-processes.test.ts',
  'integration/postgres-retention.test.ts',
  'integration/postgres-setup-errors.test.ts',
  'integration/postgres-small-pool.test.ts',
  'integration/postgres-store.test.ts',
  'integration/replay-processes.test.ts',
  'integration/replay-stores.test.ts',
  'integration/stale-processes.test.ts',
];

const groups = {
  /** The modules on their own, in process: no service, no server, no other runtime. */
  unit: { folders: ['unit'], except: redis },
  /** Express, node:http and fetch apps, the command line and Violet's API (a fake one) over real HTTP, in Node.js alone. */
  integration: { folders: ['integration'], except: [...redis, ...queue, ...postgres] },
  redis: { files: redis, ...services },
  queue: { files: queue, ...services },
  postgres: { files: postgres, ...services },
  /** The packed package on Node.js 20, 22 and 24, Bun, Deno, workerd and Next.js (on workerd also with the Redis store over Upstash's REST, on Redis). */
  runtimes: { folders: ['runtimes'], ...services },
  /** The README's and docs/' code and links, and example-app (its queue and Postgres examples use those services). */
  docs: { folders: ['docs'], ...services },
  /** The packed package as users install it: require, import, TypeScript, the files it holds. */
  package: { folders: ['package'] },
};

const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The Jest project of one group: its files as path patterns, as Jest matches them. */
function project(name, { folders = [], files = [], except = [], ...rest }) {
  return {
    displayName: name,
    rootDir: __dirname,
    roots: ['<rootDir>/__tests__'],
    testRegex: [
      ...folders.map((folder) => `/__tests__/${literal(folder)}/.*\\.test\\.ts$`),
      ...files.map((file) => `/__tests__/${literal(file)}$`),
    ],
    testPathIgnorePatterns: [
      '/node_modules/',
      ...except.map((file) => `/__tests__/${literal(file)}$`),
    ],
    testEnvironment: 'node',
    transform: {
      '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    },
    ...rest,
  };
}

/** @type {import('jest').Config} */
module.exports = {
  projects: Object.entries(groups).map(([name, group]) => project(name, group)),
  testTimeout: 20000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
