import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';

const root = path.join(__dirname, '../..');

// `npm run example:postgres` as a person runs it (the package built, as the script builds it).
describeWithPostgres('the Postgres example (npm run example:postgres)', (url) => {
  const db = new TestSchema(url);
  afterAll(() => db.drop());

  test('writes the orders table once per event through the inbox, and shows the ledger', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', path.join(__dirname, '../helpers/register-ts.cjs'), 'example-app/postgres.ts'],
      {
        cwd: root,
        env: { ...process.env, DEBUG: '', DATABASE_URL: url, POSTGRES_SCHEMA: db.name },
      },
    );
    expect(stdout).toContain('-> 200 {"received":true,"duplicate":true}');
    expect(stdout).toContain('-> 500 {"error":{"code":"LISTENER_FAILED"');
    expect(stdout.match(/applied already, nothing written/g)).toHaveLength(2);
    expect(stdout).toContain(
      '{"bag_id":"11111","order_id":"12345","status":"REFUNDED","refunds":1}',
    );
    expect(stdout).toMatch(/ORDER_REFUNDED\s+done\s+2\s+LISTENER_FAILED\s+12345\s+11111/);
    expect(stdout).toContain('3 events.');
  }, 60_000);
});
