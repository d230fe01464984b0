import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { violetWebhooks, type VioletWebhookError } from '../../lib';
import { PostgresDedupeStore, PostgresInbox, postgresSchemaSql } from '../../lib/postgres';
import { migrate } from '../../lib/postgres/migrate';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';

const LEASE = { leaseMs: 60_000 };

/** Posts one delivery over HTTP to an app on `store`: the answer, and the `'error'` events. */
async function post(store: PostgresDedupeStore) {
  const violet = violetWebhooks({ secret: SECRET, dedupe: store });
  const errors: VioletWebhookError[] = [];
  violet.on('error', (e) => void errors.push(e));
  let ran = 0;
  violet.on('ORDER_SHIPPED', () => void ran++);
  const res = await deliver(appWith(EXPRESS_VERSIONS[0][1], violet), delivery('ORDER_SHIPPED'));
  return { res, errors, ran };
}

describe('schema names: lower-case SQL identifiers only', () => {
  const pool = { query: () => Promise.reject(new Error('no')), connect: () => Promise.reject() };
  const RULE = 'lower-case SQL identifier (^[a-z_][a-z0-9_]{0,62}$';

  test.each(['a$$b', 'MixedCase', 'a-b', '1abc', '', 'x"; DROP TABLE y', 'a'.repeat(64)])(
    '%j is refused by the store, the inbox, postgresSchemaSql and migrate',
    async (schema) => {
      expect(() => new PostgresDedupeStore(pool, { schema })).toThrow(TypeError);
      expect(() => new PostgresDedupeStore(pool, { schema })).toThrow(RULE);
      expect(() => new PostgresInbox(pool, { schema })).toThrow(RULE);
      expect(() => postgresSchemaSql({ schema })).toThrow(RULE);
      await expect(migrate(pool, schema)).rejects.toThrow(RULE);
    },
  );

  test.each(['public', 'webhooks', '_x', 'a'.repeat(63), 'v2_events'])('%j is taken', (schema) => {
    expect(new PostgresDedupeStore(pool, { schema }).schema).toBe(schema);
    expect(new PostgresInbox(pool, { schema }).schema).toBe(schema);
    expect(postgresSchemaSql({ schema })).toContain(`"${schema}".violet_webhook_events`);
  });
});

describeWithPostgres(
  'before migrate: every statement names the command that creates the tables',
  (url) => {
    let db: TestSchema;
    beforeEach(async () => {
      db = new TestSchema(url);
      await db.pool.query(`CREATE SCHEMA "${db.name}"`); // exists, and is empty
    });
    afterEach(() => db.drop());

    test('an empty schema that exists, over HTTP: 503 DEDUPE_UNAVAILABLE, the cause names the fix', async () => {
      const store = new PostgresDedupeStore(db.pool, { schema: db.name });
      const { res, errors, ran } = await post(store);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('DEDUPE_UNAVAILABLE');
      expect(JSON.stringify(res.body)).not.toContain('migrate');
      expect(ran).toBe(0);
      const cause = errors[0]?.cause as Error & { cause?: { code?: string } };
      expect(cause.message).toContain(`violet-webhooks postgres migrate --schema ${db.name}`);
      expect(cause.message).toContain('store.migrate()');
      expect(cause.cause?.code).toBe('42883'); // the claim function is missing
    });

    test('the store, the ledger and the inbox: each statement rejects naming the command', async () => {
      const store = new PostgresDedupeStore(db.pool, { schema: db.name });
      const inbox = new PostgresInbox(db.pool, { schema: db.name });
      const fix = `violet-webhooks postgres migrate --schema ${db.name}`;
      await expect(store.claim('e1', LEASE)).rejects.toThrow(fix);
      await expect(store.complete('e1', 'token')).rejects.toThrow(fix);
      await expect(store.release('e1', 'token', { error: 'X' })).rejects.toThrow(fix);
      await expect(store.events()).rejects.toThrow(fix);
      await expect(store.events({ state: 'claimed', type: 'ORDER_SHIPPED' })).rejects.toThrow(fix);
      await expect(store.prune()).rejects.toThrow(fix);
      let ran = false;
      await expect(
        inbox.once({ id: 'e1', type: 'ORDER_SHIPPED' }, () => (ran = true)),
      ).rejects.toThrow(fix);
      expect(ran).toBe(false);
      await expect(inbox.prune()).rejects.toThrow(fix);
      // The pool's connections are whole: after migrate, everything works.
      await store.migrate();
      expect(await store.claim('e1', LEASE)).toMatchObject({ state: 'new' });
      expect(await inbox.once({ id: 'e1', type: 'ORDER_SHIPPED' }, () => 1)).toEqual({
        ran: true,
        value: 1,
      });
    });

    test('a schema that does not exist (3F000 or 42P01) names the fix too', async () => {
      const store = new PostgresDedupeStore(db.pool, { schema: `${db.name}_none` });
      await expect(store.claim('e1', LEASE)).rejects.toThrow(
        `violet-webhooks postgres migrate --schema ${db.name}_none`,
      );
      await expect(store.events()).rejects.toThrow('violet-webhooks postgres migrate');
    });

    test('an error of the listener’s own SQL inside inbox.once is rethrown as it is', async () => {
      const inbox = new PostgresInbox(db.pool, { schema: db.name });
      await inbox.migrate();
      const failure = inbox.once({ id: 'own', type: 'ORDER_SHIPPED' }, (client) =>
        client.query(`SELECT * FROM "${db.name}".no_such_table`),
      );
      await expect(failure).rejects.toMatchObject({ code: '42P01' });
      await expect(failure).rejects.not.toThrow('migrate');
    });
  },
);

describeWithPostgres('before migrate, in schema public of a new database', (url) => {
  const name = `violet_test_${randomBytes(6).toString('hex')}`;
  let admin: pg.Pool;
  let pool: pg.Pool;

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: url, max: 1 });
    await admin.query(`CREATE DATABASE ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    pool = new pg.Pool({ connectionString: target.toString(), max: 3 });
    // As pg asks of every app: an idle connection that the server ends (the database dropped
    // with FORCE at the end) is reported on the pool, which would throw without a listener.
    for (const p of [admin, pool]) p.on('error', () => undefined);
  });
  afterAll(async () => {
    await pool?.end();
    await admin?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin?.end();
  });

  test('over HTTP: 503, the cause says `violet-webhooks postgres migrate` and store.migrate()', async () => {
    const store = new PostgresDedupeStore(pool);
    const { res, errors } = await post(store);
    expect(res.status).toBe(503);
    const cause = errors[0]?.cause as Error & { cause?: { code?: string } };
    expect(cause.message).toContain('`violet-webhooks postgres migrate`');
    expect(cause.message).toContain('store.migrate()');
    expect(cause.cause?.code).toBe('42883');
    const inbox = new PostgresInbox(pool);
    await expect(inbox.once({ id: 'e', type: 'ORDER_SHIPPED' }, () => 1)).rejects.toThrow(
      '`violet-webhooks postgres migrate`',
    );
    await expect(store.events({ state: 'failed' })).rejects.toThrow(
      '`violet-webhooks postgres migrate`',
    );
  });
});
