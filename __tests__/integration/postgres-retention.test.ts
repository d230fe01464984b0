import { PostgresDedupeStore, PostgresInbox } from '../../lib/postgres';
import { cli } from '../helpers/cli';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';

const DAY = 86_400_000;

describeWithPostgres('retention: inbox.prune, postgres prune, and the ledger’s indexes', (url) => {
  let db: TestSchema;
  let store: PostgresDedupeStore;
  let inbox: PostgresInbox;

  beforeEach(async () => {
    db = new TestSchema(url);
    store = new PostgresDedupeStore(db.pool, { schema: db.name });
    inbox = new PostgresInbox(db.pool, { schema: db.name });
    await store.migrate();
  });
  afterEach(() => db.drop());

  /** Inbox rows recorded `days` ago. */
  const inboxRow = (key: string, days: number) =>
    db.pool.query(
      `INSERT INTO "${db.name}".violet_webhook_inbox (event_key, event_id, type, processed_at)
       VALUES ($1, $1, 'ORDER_SHIPPED', now() - $2::int * interval '1 day')`,
      [key, days],
    );
  /** A done ledger row received and processed `days` ago. */
  const ledgerRow = (id: string, days: number) =>
    db.pool.query(
      `INSERT INTO "${db.name}".violet_webhook_events (event_id, type, state, received_at, done_at)
       VALUES ($1, 'ORDER_SHIPPED', 'done', now() - $2::int * interval '1 day', now() - $2::int * interval '1 day')`,
      [id, days],
    );
  const keys = async (table: string, column: string) =>
    (
      await db.rows<{ k: string }>(
        `SELECT ${column} AS k FROM "${db.name}".${table} ORDER BY ${column}`,
      )
    ).map((r) => r.k);

  test('inbox.prune deletes rows older than olderThanMs (default 30 days); a pruned key runs again', async () => {
    await inboxRow('d1', 1);
    await inboxRow('d29', 29);
    await inboxRow('d31', 31);
    await inboxRow('d100', 100);
    expect(await inbox.prune()).toBe(2);
    expect(await keys('violet_webhook_inbox', 'event_key')).toEqual(['d1', 'd29']);
    expect(await inbox.prune({ olderThanMs: 2 * DAY })).toBe(1);
    expect(await keys('violet_webhook_inbox', 'event_key')).toEqual(['d1']);
    expect(await inbox.prune({ olderThanMs: 2 * DAY })).toBe(0);
    expect((await inbox.once({ id: 'd29', type: 'ORDER_SHIPPED' }, () => 1)).ran).toBe(true);
    expect((await inbox.once({ id: 'd1', type: 'ORDER_SHIPPED' }, () => 1)).ran).toBe(false);
    expect(() => inbox.prune({ olderThanMs: -1 })).toThrow('olderThanMs');
    expect(() => inbox.prune({ olderThan: 1 } as never)).toThrow(TypeError);
  });

  test('violet-webhooks postgres prune [--older-than]: the ledger and the inbox', async () => {
    for (const days of [1, 10, 40]) {
      await ledgerRow(`e${days}`, days);
      await inboxRow(`k${days}`, days);
    }
    const claim = await store.claim('live', { leaseMs: 60_000 });
    expect(claim.state).toBe('new');
    await db.pool.query(
      `UPDATE "${db.name}".violet_webhook_events SET received_at = now() - interval '90 days' WHERE event_id = 'live'`,
    );
    const env = { DATABASE_URL: url };
    const run = await cli(['postgres', 'prune', '--schema', db.name], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Deleted 1 row of the ledger and 1 row of the inbox older than 30d, in schema ${db.name}.`,
    );
    expect(await keys('violet_webhook_events', 'event_id')).toEqual(['e1', 'e10', 'live']);
    expect(await keys('violet_webhook_inbox', 'event_key')).toEqual(['k1', 'k10']);
    const shorter = await cli(['postgres', 'prune', '--schema', db.name, '--older-than', '48h'], {
      env,
    });
    expect(shorter.code).toBe(0);
    expect(shorter.stdout).toContain('Deleted 1 row of the ledger and 1 row of the inbox');
    expect(await keys('violet_webhook_events', 'event_id')).toEqual(['e1', 'live']);
    expect(await keys('violet_webhook_inbox', 'event_key')).toEqual(['k1']);
  }, 30_000);

  test('events --state and --type are read from an index, not from every row', async () => {
    await db.pool.query(
      `INSERT INTO "${db.name}".violet_webhook_events (event_id, type, state, received_at, done_at)
       SELECT 'bulk-' || i, CASE WHEN i % 50 = 0 THEN 'ORDER_REFUNDED' ELSE 'ORDER_SHIPPED' END,
         CASE WHEN i % 1000 = 0 THEN 'failed' ELSE 'done' END,
         now() - i * interval '1 second', now() - i * interval '1 second'
       FROM generate_series(1, 20000) AS i`,
    );
    await db.pool.query(`ANALYZE "${db.name}".violet_webhook_events`);
    const indexes = await db.rows<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`,
      [db.name],
    );
    expect(indexes.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['violet_webhook_events_state', 'violet_webhook_events_type']),
    );
    const failed = await store.events({ state: 'failed', since: new Date(Date.now() - DAY) });
    expect(failed).toHaveLength(20);
    expect(failed.every((r) => r.state === 'failed')).toBe(true);
    const refunds = await store.events({ type: 'ORDER_REFUNDED', limit: 1000 });
    expect(refunds).toHaveLength(400);
    // What Postgres would do: the same statements, explained.
    const plan = async (where: string) =>
      (
        await db.rows<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT event_id FROM "${db.name}".violet_webhook_events WHERE ${where}
           ORDER BY received_at DESC, event_id DESC LIMIT 100`,
        )
      )
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    expect(await plan(`state = 'failed'`)).toContain('violet_webhook_events_state');
    expect(await plan(`type = 'ORDER_REFUNDED'`)).toContain('violet_webhook_events_type');
    // Migrate again over what is there: idempotent.
    await store.migrate();
  });
});
