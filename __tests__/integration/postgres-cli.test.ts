import { violetWebhooks } from '../../lib';
import { PostgresDedupeStore, postgresSchemaSql } from '../../lib/postgres';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { cli } from '../helpers/cli';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';

describe('violet-webhooks postgres sql', () => {
  test('prints the SQL of postgresSchemaSql, for a schema', async () => {
    const run = await cli(['postgres', 'sql', '--schema', 'webhooks']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(postgresSchemaSql({ schema: 'webhooks' }).trim());
  });

  test('usage errors exit 2 and name the fix', async () => {
    expect((await cli(['postgres', 'drop'])).code).toBe(2);
    const noDb = await cli(['postgres', 'migrate'], { env: { DATABASE_URL: '' } });
    expect([noDb.code, noDb.stderr]).toEqual([2, expect.stringContaining('--database-url')]);
    expect((await cli(['events', '--state', 'lost'])).code).toBe(2);
    for (const age of ['2h', '30', 'soon']) {
      const short = await cli(['postgres', 'prune', '--older-than', age], {
        env: { DATABASE_URL: 'postgres://127.0.0.1:1/x' },
      });
      expect([short.code, short.stderr]).toEqual([2, expect.stringContaining('--older-than')]);
    }
  });

  test.each([
    ['postgres sql', 'a$$b'],
    ['postgres sql', 'MixedCase'],
    ['postgres migrate', 'a-b'],
    ['postgres prune', 'MixedCase'],
    ['events', 'a;b'],
  ])('%s --schema %s exits 2, naming the rule', async (command, schema) => {
    const run = await cli([...command.split(' '), '--schema', schema], {
      env: { DATABASE_URL: 'postgres://127.0.0.1:1/x' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `violet-webhooks: --schema must be a lower-case SQL identifier (^[a-z_][a-z0-9_]{0,62}$`,
    );
    expect(run.stderr).toContain(`not ${schema}`);
  });
});

describe('errors carry one prefix', () => {
  test.each([
    [['send', 'http://127.0.0.1:1/x', '--type', 'NOT_A_TYPE', '--secret', 's'], 2],
    [['sign'], 2],
    [['subscribe', 'http://x.example'], 2],
    [['resend', 'x', 'y'], 2],
    [['deliveries', '--webhook-id', 'x'], 2],
    [['queue', 'stats', '--redis', 'http://x'], 2],
    [['postgres', 'sql', '--schema', 'A'], 2],
    [['events', '--database-url', 'postgres://u:hunter2@127.0.0.1:1/x'], 1],
    [['postgres', 'migrate', '--database-url', 'postgres://u:hunter2@127.0.0.1:1/x'], 1],
    [['nope'], 2],
  ])('%j', async (args, code) => {
    const run = await cli(args as string[]);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(/^violet-webhooks: \S/);
    expect(run.stderr).not.toContain('express-violet-webhooks:');
    expect(run.stderr).not.toMatch(/violet-webhooks: violet-webhooks/);
    expect(run.stderr).not.toContain('hunter2');
  });
});

describeWithPostgres('violet-webhooks postgres migrate and events', (url) => {
  let db: TestSchema;
  beforeEach(() => void (db = new TestSchema(url)));
  afterEach(() => db.drop());

  test('migrate creates the tables (twice is fine); events lists the ledger', async () => {
    const env = { DATABASE_URL: url };
    const missing = await cli(['events', '--schema', db.name], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      new RegExp(
        `^violet-webhooks: (?!express-).*violet-webhooks postgres migrate --schema ${db.name}`,
      ),
    );
    const pruneMissing = await cli(['postgres', 'prune', '--schema', db.name], { env });
    expect(pruneMissing.code).toBe(1);
    expect(pruneMissing.stderr).toMatch(
      new RegExp(
        `^violet-webhooks: (?!express-).*violet-webhooks postgres migrate --schema ${db.name}`,
      ),
    );
    for (let i = 0; i < 2; i++) {
      const run = await cli(['postgres', 'migrate', '--schema', db.name], { env });
      expect([run.code, run.stdout]).toEqual([0, expect.stringContaining(db.name)]);
    }
    const store = new PostgresDedupeStore(db.pool, { schema: db.name });
    const violet = violetWebhooks({ secret: SECRET, dedupe: store });
    violet.on('error', () => undefined);
    violet.on('ORDER_REFUNDED', () => {
      throw new Error('refund failed');
    });
    const app = appWith(EXPRESS_VERSIONS[0][1], violet);
    await deliver(app, delivery('ORDER_SHIPPED', { eventId: 'cli-ok' }));
    await deliver(app, delivery('ORDER_REFUNDED', { eventId: 'cli-failed' }));
    // An older snapshot of the same bag than cli-ok's, processed: stale.
    const old = delivery('ORDER_SHIPPED', {
      eventId: 'cli-old',
      lastModified: '2025-04-08T16:00:00Z',
    });
    await deliver(app, old);

    const all = await cli(['events', '--schema', db.name, '--database-url', url]);
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^RECEIVED\s+EVENT\s+TYPE\s+STATE\s+ATTEMPTS\s+ERROR\s+ORDER\s+BAG\s+VERSION\s+STALE$/,
    );
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/).slice(1))).toEqual([
      [
        'cli-old',
        'ORDER_SHIPPED',
        'done',
        '1',
        '-',
        '12345',
        '11111',
        '2025-04-08T16:00:00.000Z',
        'yes',
      ],
      [
        'cli-failed',
        'ORDER_REFUNDED',
        'failed',
        '1',
        'LISTENER_FAILED',
        '12345',
        '11111',
        '2025-04-08T16:21:52.000Z',
        'no',
      ],
      [
        'cli-ok',
        'ORDER_SHIPPED',
        'done',
        '1',
        '-',
        '12345',
        '11111',
        '2025-04-08T16:21:52.000Z',
        'no',
      ],
    ]);
    expect(lines[4]).toBe('3 events.');

    const json = await cli(
      ['events', '--schema', db.name, '--state', 'failed', '--since', '1h', '--json'],
      { env },
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        eventId: 'cli-failed',
        state: 'failed',
        body: null,
        version: '2025-04-08T16:21:52.000Z',
        stale: false,
      }),
    ]);
    const typed = await cli(['events', '--schema', db.name, '--type', 'ORDER_SHIPPED', '--json'], {
      env,
    });
    expect((JSON.parse(typed.stdout) as Array<{ eventId: string }>).map((r) => r.eventId)).toEqual([
      'cli-old',
      'cli-ok',
    ]);
  });

  test('a database that cannot be reached exits 1 without a password in the message', async () => {
    const run = await cli(['events'], {
      env: { DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/test' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('hunter2');
  });
});
