import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

// The groups of jest.config.js (npm run test:<group>) cover the whole suite, each file once.
const root = path.join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config: { projects: Project[] } = require(path.join(root, 'jest.config.js'));

interface Project {
  displayName: string;
  testRegex: string[];
  testPathIgnorePatterns: string[];
  globalSetup?: string;
}

/** Every test file under __tests__/, as Jest finds them (node_modules left out). */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The groups that run `file`, matched as Jest matches them. */
function groupsOf(file: string): string[] {
  return config.projects
    .filter(
      (p) =>
        p.testRegex.some((r) => new RegExp(r).test(file)) &&
        !p.testPathIgnorePatterns.some((r) => new RegExp(r).test(file)),
    )
    .map((p) => p.displayName);
}

const files = testFiles(path.join(root, '__tests__'));

test('every test file is in exactly one group', () => {
  const wrong = files
    .map((file) => ({ file: path.relative(root, file), groups: groupsOf(file) }))
    .filter(({ groups }) => groups.length !== 1);
  expect(wrong).toEqual([]);
});

// What a test file uses to reach the shared Redis or PostgreSQL, which the global setup finds.
const SERVICE_HELPERS =
  /describeWithSharedRedis|sharedRedisUrl|describeWithPostgres|VIOLET_TEST_(?:REDIS|DATABASE)_URL|helpers\/postgres'/;

test('a file that uses the shared Redis or PostgreSQL is in a group that finds them', () => {
  const withServices = new Set(
    config.projects.filter((p) => p.globalSetup !== undefined).map((p) => p.displayName),
  );
  const wrong = files
    .filter((file) => file !== __filename && SERVICE_HELPERS.test(readFileSync(file, 'utf8')))
    .map((file) => ({ file: path.relative(root, file), groups: groupsOf(file) }))
    .filter(({ groups }) => !groups.every((group) => withServices.has(group)));
  expect(wrong).toEqual([]);
});

test('the groups name no file that does not exist', () => {
  const named = config.projects.flatMap((p) => [...p.testRegex, ...p.testPathIgnorePatterns]);
  const unmatched = named.filter(
    (r) => r !== '/node_modules/' && !files.some((file) => new RegExp(r).test(file)),
  );
  expect(unmatched).toEqual([]);
});

test('a file in no group or in two is found', () => {
  expect(groupsOf(path.join(root, '__tests__', 'elsewhere', 'a.test.ts'))).toEqual([]);
  expect(groupsOf(path.join(root, '__tests__', 'unit', 'redis-store.test.ts'))).toEqual(['redis']);
  expect(groupsOf(path.join(root, '__tests__', 'unit', 'options.test.ts'))).toEqual(['unit']);
});
