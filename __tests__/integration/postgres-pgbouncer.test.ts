import pg from 'pg';
import { violetWebhooks } from '../../lib';
import { PostgresDedupeStore, PostgresInbox } from '../../lib/postgres';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithPgBouncer, OwnPgBouncer } from '../helpers/pgbouncer';
import { TestSchema } from '../helpers/postgres';

// Two app processes through PgBouncer in transaction mode: postgres-processes.test.ts.

describeWithPgBouncer('through PgBouncer in statement mode', (url) => {
  let db: TestSchema;
  let bouncer: OwnPgBouncer;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = new TestSchema(url);
    await new PostgresDedupeStore(db.pool, { schema: db.name }).migrate();
    bouncer = new OwnPgBouncer(url, 'statement');
    await bouncer.start();
    pool = new pg.Pool({ connectionString: bouncer.url, max: 3 });
    pool.on('error', () => undefined);
  }, 30_000);
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
    await bouncer?.stop();
  });

  const MODES = 'use transaction or session mode';

  test('the store alone works: claims, duplicates, the ledger', async () => {
    const store = new PostgresDedupeStore(pool, { schema: db.name });
    const violet = violetWebhooks({ secret: SECRET, dedupe: store });
    let runs = 0;
    violet.on('ORDER_SHIPPED', () => void runs++);
    const app = appWith(EXPRESS_VERSIONS[0][1], violet);
    const d = delivery('ORDER_SHIPPED', { eventId: 'statement-1' });
    expect((await deliver(app, d)).body).toEqual({ received: true });
    expect((await deliver(app, d)).body).toEqual({ received: true, duplicate: true });
    expect(runs).toBe(1);
    expect(await store.events({ state: 'done' })).toMatchObject([{ eventId: 'statement-1' }]);
    expect(await store.prune()).toBe(0);
  });

  test('inbox.once fails, saying to use transaction or session mode; nothing ran', async () => {
    const inbox = new PostgresInbox(pool, { schema: db.name });
    let ran = false;
    await expect(
      inbox.once({ id: 'statement-2', type: 'ORDER_SHIPPED' }, () => (ran = true)),
    ).rejects.toThrow(MODES);
    expect(ran).toBe(false);
    const rows = await db.rows(`SELECT 1 FROM "${db.name}".violet_webhook_inbox`);
    expect(rows).toHaveLength(0);
  });

  test('migrate fails, saying to use transaction or session mode', async () => {
    await expect(new PostgresDedupeStore(pool, { schema: db.name }).migrate()).rejects.toThrow(
      MODES,
    );
    await expect(new PostgresInbox(pool, { schema: db.name }).migrate()).rejects.toThrow(MODES);
  });
});

describeWithPgBouncer('through PgBouncer in transaction mode', (url) => {
  test('migrate, the store and inbox.once work', async () => {
    const db = new TestSchema(url);
    const bouncer = new OwnPgBouncer(url, 'transaction');
    await bouncer.start();
    const pool = new pg.Pool({ connectionString: bouncer.url, max: 3 });
    try {
      const store = new PostgresDedupeStore(pool, { schema: db.name });
      await store.migrate();
      const inbox = new PostgresInbox(pool, { schema: db.name });
      const violet = violetWebhooks({ secret: SECRET, dedupe: store });
      violet.on('ORDER_SHIPPED', (event) => inbox.once(event, () => undefined));
      const app = appWith(EXPRESS_VERSIONS[0][1], violet);
      const d = delivery('ORDER_SHIPPED', { eventId: 'transaction-1' });
      expect((await deliver(app, d)).status).toBe(200);
      expect((await inbox.once({ id: 'transaction-1', type: 'ORDER_SHIPPED' }, () => 1)).ran).toBe(
        false,
      );
      expect(await store.events()).toMatchObject([{ eventId: 'transaction-1', state: 'done' }]);
    } finally {
      await pool.end();
      await db.drop();
      await bouncer.stop();
    }
  }, 30_000);
});
