import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { postgresSchemaSql } from '../../lib/postgres';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';

const root = path.join(__dirname, '../..');

// `npm run example:postgres` as a person runs it (the package built, as the script builds it).
describeWithPostgres('the Postgres example (npm run example:postgres)', (url) => {
  const db = new TestSchema(url);
  afterAll(() => db.drop());

  test('writes the orders table once per event through the inbox, and shows the ledger', async () => {
    // A row that an interrupted earlier run left, and one of the app's own.
    await db.pool.query(postgresSchemaSql({ schema: db.name }));
    await db.pool.query(
      `INSERT INTO "${db.name}".violet_webhook_events (event_id, type, state, received_at)
       VALUES ('violet-example-1-1', 'ORDER_SHIPPED', 'done', now()),
         ('app-1', 'ORDER_SHIPPED', 'done', now() - interval '2 hours')`,
    );
    // A password in the URL (the server trusts the test's connections) is not printed.
    const withPassword = new URL(url);
    withPassword.password = 'example-pw-77';
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', path.join(__dirname, '../helpers/register-ts.cjs'), 'example-app/postgres.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          DEBUG: '',
          DATABASE_URL: withPassword.toString(),
          POSTGRES_SCHEMA: db.name,
        },
      },
    );
    withPassword.password = '***';
    expect(stdout.split('\n')[0]).toBe(
      `Database: ${withPassword.toString()} (DATABASE_URL), schema ${db.name}`,
    );
    expect(stdout).not.toContain('example-pw-77');
    expect(stdout).toContain('-> 200 {"received":true,"duplicate":true}');
    expect(stdout).toContain('-> 500 {"error":{"code":"LISTENER_FAILED"');
    expect(stdout.match(/applied already, nothing written/g)).toHaveLength(2);
    expect(stdout).toContain(
      '{"bag_id":"11111","order_id":"12345","status":"REFUNDED","refunds":1}',
    );
    expect(stdout).toMatch(/ORDER_REFUNDED\s+done\s+2\s+LISTENER_FAILED\s+12345\s+11111/);
    expect(stdout).toContain('3 events.');
    // Nothing of the example is left in the ledger or the inbox: no run makes them grow.
    const left = await db.rows<{ event_id: string }>(
      `SELECT event_id FROM "${db.name}".violet_webhook_events
       UNION ALL SELECT event_id FROM "${db.name}".violet_webhook_inbox`,
    );
    expect(left.map((r) => r.event_id)).toEqual(['app-1']);
  }, 60_000);
});
