import type { DedupeStore } from '../../lib';
import { PostgresDedupeStore, postgresSchemaSql } from '../../lib/postgres';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';
import { sleep } from '../helpers/wait';

const LEASE = { leaseMs: 60_000 };

function ledgerEvent(body = '{"id":1}') {
  return {
    type: 'ORDER_SHIPPED',
    sourceEventId: undefined,
    orderId: 7,
    bagId: 8,
    entityId: '7',
    body,
  };
}

describeWithPostgres('PostgresDedupeStore on a real PostgreSQL', (url) => {
  let db: TestSchema;

  beforeEach(() => {
    db = new TestSchema(url);
  });
  afterEach(() => db.drop());

  test('without migrate, no table is created and the error names the command that creates it', async () => {
    const store = new PostgresDedupeStore(db.pool, { schema: db.name });
    const claim = store.claim('e1', LEASE);
    await expect(claim).rejects.toThrow(`violet-webhooks postgres migrate --schema ${db.name}`);
    await expect(store.events()).rejects.toThrow('violet-webhooks postgres migrate');
    const tables = await db.rows('SELECT 1 FROM pg_namespace WHERE nspname = $1', [db.name]);
    expect(tables).toHaveLength(0);
  });

  test('migrate is idempotent, also when instances run it at the same time', async () => {
    const a = new PostgresDedupeStore(db.pool, { schema: db.name });
    const b = new PostgresDedupeStore(db.otherPool(), { schema: db.name });
    await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
    await a.migrate();
    const tables = await db.rows<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
      [db.name],
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'violet_webhook_events',
      'violet_webhook_inbox',
      'violet_webhook_versions',
    ]);
  });

  test('postgresSchemaSql is the SQL that migrate applies, for the app’s own migrations', async () => {
    await db.pool.query(postgresSchemaSql({ schema: db.name }));
    await db.pool.query(postgresSchemaSql({ schema: db.name }));
    const store = new PostgresDedupeStore(db.pool, { schema: db.name });
    expect(await store.claim('e1', LEASE)).toMatchObject({ state: 'new' });
    expect(() => postgresSchemaSql({ schema: 'x"; DROP TABLE y' })).toThrow(TypeError);
  });

  describe('claims', () => {
    let store: PostgresDedupeStore;
    beforeEach(async () => {
      store = new PostgresDedupeStore(db.pool, { schema: db.name });
      await store.migrate();
    });

    test('new, in flight while held, done once completed', async () => {
      const first = await store.claim('e1', { ...LEASE, event: ledgerEvent() });
      expect(first.state).toBe('new');
      expect(await store.claim('e1', LEASE)).toEqual({ state: 'in-flight' });
      if (first.state !== 'new') throw new Error('not claimed');
      await store.complete('e1', first.token);
      expect(await store.claim('e1', LEASE)).toEqual({ state: 'done' });
    });

    test('of many concurrent claims on two pools, exactly one is new', async () => {
      const other = new PostgresDedupeStore(db.otherPool(), { schema: db.name });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).claim('race', LEASE)),
      );
      expect(results.filter((r) => r.state === 'new')).toHaveLength(1);
      expect(results.filter((r) => r.state === 'in-flight')).toHaveLength(19);
    });

    test('claims and completions of many events at once, on two instances, never deadlock', async () => {
      const other = new PostgresDedupeStore(db.otherPool(), { schema: db.name });
      const ids = Array.from({ length: 50 }, (_, i) => `batch-${i}`);
      // Each instance claims every id twice, all in one turn: one in reverse order, the other with
      // the odd ids first.
      const reversed = [...ids, ...ids].reverse();
      const oddFirst = [...ids.filter((_, i) => i % 2), ...ids.filter((_, i) => !(i % 2))];
      const claims = await Promise.all([
        ...reversed.map((id) => store.claim(id, LEASE).then((r) => [id, r, store] as const)),
        ...[...oddFirst, ...oddFirst].map((id) =>
          other.claim(id, LEASE).then((r) => [id, r, other] as const),
        ),
      ]);
      const won = claims.filter(([, r]) => r.state === 'new');
      expect(won.map(([id]) => id).sort()).toEqual([...ids].sort());
      await Promise.all(
        won.map(([id, r, owner]) => (r.state === 'new' ? owner.complete(id, r.token) : undefined)),
      );
      const again = await Promise.all(ids.map((id) => other.claim(id, LEASE)));
      expect(again.every((r) => r.state === 'done')).toBe(true);
    });

    test('a released claim is failed, with its error code, and the next claim takes it', async () => {
      const first = await store.claim('e2', { ...LEASE, event: ledgerEvent() });
      if (first.state !== 'new') throw new Error('not claimed');
      await store.release('e2', first.token, { error: 'LISTENER_FAILED' });
      let [record] = await store.events();
      expect(record).toMatchObject({ state: 'failed', attempts: 1, lastError: 'LISTENER_FAILED' });
      const second = await store.claim('e2', LEASE);
      expect(second.state).toBe('new');
      if (second.state !== 'new') throw new Error('not claimed');
      await store.complete('e2', second.token);
      [record] = await store.events();
      expect(record).toMatchObject({ state: 'done', attempts: 2, lastError: 'LISTENER_FAILED' });
      expect(record?.doneAt).toBeInstanceOf(Date);
    });

    test('a claim expires after its lease; the old holder can no longer complete it', async () => {
      const first = await store.claim('e3', { leaseMs: 300 });
      if (first.state !== 'new') throw new Error('not claimed');
      expect(await store.claim('e3', { leaseMs: 300 })).toEqual({ state: 'in-flight' });
      await sleep(450);
      const second = await store.claim('e3', LEASE);
      expect(second.state).toBe('new');
      await store.complete('e3', first.token);
      await store.release('e3', first.token, { error: 'LISTENER_FAILED' });
      const [record] = await store.events();
      expect(record).toMatchObject({ state: 'claimed', attempts: 2, lastError: null });
    });

    test('a store’s own leaseMs wins over the one the middleware asks for', async () => {
      const short = new PostgresDedupeStore(db.pool, { schema: db.name, leaseMs: 200 });
      await short.claim('e4', LEASE);
      await sleep(350);
      expect((await short.claim('e4', LEASE)).state).toBe('new');
    });

    test('a done event answers duplicate for keepDoneMs, then may be processed again', async () => {
      const brief = new PostgresDedupeStore(db.pool, { schema: db.name, keepDoneMs: 300 });
      const first = await brief.claim('e5', LEASE);
      if (first.state !== 'new') throw new Error('not claimed');
      await brief.complete('e5', first.token);
      expect(await brief.claim('e5', LEASE)).toEqual({ state: 'done' });
      await sleep(450);
      expect((await brief.claim('e5', LEASE)).state).toBe('new');
    });
  });

  describe('the ledger', () => {
    test('records ids, type and times; the body only with keepBody', async () => {
      const store = new PostgresDedupeStore(db.pool, { schema: db.name });
      const keeping = new PostgresDedupeStore(db.pool, { schema: db.name, keepBody: true });
      await store.migrate();
      const before = new Date(Date.now() - 1000);
      await store.claim('a', { ...LEASE, event: ledgerEvent('{"secret":"address"}') });
      await keeping.claim('b', {
        ...LEASE,
        event: { ...ledgerEvent('{"kept":true}'), type: 'MERCHANT_CONNECTED', sourceEventId: 'a' },
      });
      const records = await store.events();
      expect(records.map((r) => r.eventId)).toEqual(['b', 'a']);
      expect(records[1]).toEqual({
        eventId: 'a',
        sourceEventId: null,
        type: 'ORDER_SHIPPED',
        orderId: 7,
        bagId: 8,
        entityId: '7',
        state: 'claimed',
        attempts: 1,
        lastError: null,
        receivedAt: expect.any(Date),
        doneAt: null,
        body: null,
        version: null,
        stale: null,
      });
      expect(records[0]).toMatchObject({ sourceEventId: 'a', body: '{"kept":true}' });
      expect(records[1]?.receivedAt.getTime()).toBeGreaterThan(before.getTime());
    });

    test('versions: recorded with each claim, stale when a done event of the entity is newer; an install made before gets the columns', async () => {
      const store = new PostgresDedupeStore(db.pool, { schema: db.name });
      await store.migrate();
      // An install made before event.stale: its table without the columns.
      await db.pool.query(
        `ALTER TABLE "${db.name}".violet_webhook_events DROP COLUMN version_key, DROP COLUMN version, DROP COLUMN stale`,
      );
      await store.migrate();
      await store.migrate();
      const at = (iso: string) => Date.parse(iso);
      const claim = (id: string, iso: string) =>
        store.claim(id, {
          ...LEASE,
          event: { ...ledgerEvent(), version: { key: 'bag:8', at: at(iso) } },
        });
      const newer = await claim('n', '2025-04-08T16:21:52Z');
      expect(newer).toMatchObject({ state: 'new', stale: false });
      // Claimed, not done: an older one is not stale yet.
      expect(await claim('o1', '2025-04-08T16:00:00Z')).toMatchObject({ stale: false });
      // Failed: still not.
      if (newer.state !== 'new') throw new Error('unreachable');
      await store.release('n', newer.token, { error: 'LISTENER_FAILED' });
      expect(await claim('o2', '2025-04-08T16:00:00Z')).toMatchObject({ stale: false });
      // Done (the retry of n): now it is; the same second is not.
      const retried = await claim('n', '2025-04-08T16:21:52Z');
      if (retried.state !== 'new') throw new Error('unreachable');
      // As the pipeline calls it, through the seam, with the version (which this store has already).
      const seam: DedupeStore = store;
      await seam.complete('n', retried.token, {
        version: { key: 'bag:8', at: at('2025-04-08T16:21:52Z') },
      });
      expect(await claim('o3', '2025-04-08T16:00:00Z')).toMatchObject({ stale: true });
      expect(await claim('s', '2025-04-08T16:21:52Z')).toMatchObject({ stale: false });
      const records = new Map((await store.events()).map((r) => [r.eventId, r]));
      expect(records.get('o3')).toMatchObject({
        version: new Date('2025-04-08T16:00:00Z'),
        stale: true,
      });
      expect(records.get('n')).toMatchObject({
        state: 'done',
        version: new Date('2025-04-08T16:21:52Z'),
        stale: false,
      });
    });

    test('content keys (replayGuard): held by another id, in flight then done; freed by a release; an install made before gets the column', async () => {
      const store = new PostgresDedupeStore(db.pool, { schema: db.name });
      await store.migrate();
      await db.pool.query(`ALTER TABLE "${db.name}".violet_webhook_events DROP COLUMN replay_key`);
      await store.migrate();
      await store.migrate();
      const claim = (id: string, replayKey: string) =>
        store.claim(id, { ...LEASE, event: { ...ledgerEvent(), replayKey } });
      const failed = await claim('r1', 'K');
      if (failed.state !== 'new') throw new Error('unreachable');
      expect(await claim('r2', 'K')).toEqual({ state: 'in-flight', repeats: 'r1' });
      await store.release('r1', failed.token, { error: 'LISTENER_FAILED' });
      const retried = await claim('r2', 'K');
      if (retried.state !== 'new') throw new Error('unreachable');
      // Its own id comes first: a copy of r2 is a duplicate of r2, not a replay.
      expect(await claim('r2', 'K')).toEqual({ state: 'in-flight' });
      await store.complete('r2', retried.token);
      expect(await claim('r3', 'K')).toEqual({ state: 'done', repeats: 'r2' });
      expect(await claim('r2', 'K')).toEqual({ state: 'done' });
      // The failed one, retried by Violet under its own id: its content was processed as r2.
      expect(await claim('r1', 'K')).toEqual({ state: 'done', repeats: 'r2' });
      expect((await claim('r4', 'other')).state).toBe('new');
      const { rows } = await db.pool.query<{ event_id: string }>(
        `SELECT event_id FROM "${db.name}".violet_webhook_events WHERE replay_key = 'K' ORDER BY 1`,
      );
      expect(rows.map((r) => r.event_id)).toEqual(['r1', 'r2']);
    });

    test('events() filters by state, type and time, and limits', async () => {
      const store = new PostgresDedupeStore(db.pool, { schema: db.name });
      await store.migrate();
      for (let i = 0; i < 5; i++) {
        const c = await store.claim(`f${i}`, { ...LEASE, event: ledgerEvent() });
        if (c.state === 'new' && i % 2 === 0) await store.complete(`f${i}`, c.token);
      }
      await store.claim('m', { ...LEASE, event: { ...ledgerEvent(), type: 'MERCHANT_CONNECTED' } });
      await db.pool.query(
        `UPDATE "${db.name}".violet_webhook_events SET received_at = now() - interval '2 days' WHERE event_id = 'f0'`,
      );
      expect((await store.events({ state: 'done' })).map((r) => r.eventId)).toEqual([
        'f4',
        'f2',
        'f0',
      ]);
      expect((await store.events({ type: 'MERCHANT_CONNECTED' })).map((r) => r.eventId)).toEqual([
        'm',
      ]);
      const since = new Date(Date.now() - 86_400_000);
      expect((await store.events({ since })).map((r) => r.eventId)).not.toContain('f0');
      expect(await store.events({ limit: 2 })).toHaveLength(2);
      await expect(store.events({ limit: 0 })).rejects.toThrow(TypeError);
      await expect(store.events({ state: 'lost' as 'done' })).rejects.toThrow(TypeError);
    });

    test('prune deletes what is older than the retention, and keeps live claims', async () => {
      const store = new PostgresDedupeStore(db.pool, { schema: db.name, keepDoneMs: 3_600_000 });
      await store.migrate();
      const table = `"${db.name}".violet_webhook_events`;
      for (const id of ['old-done', 'old-failed', 'old-live', 'old-dead', 'recent']) {
        const c = await store.claim(id, { ...LEASE, event: ledgerEvent() });
        if (c.state !== 'new') throw new Error('not claimed');
        if (id === 'old-done' || id === 'recent') await store.complete(id, c.token);
        if (id === 'old-failed') await store.release(id, c.token, { error: 'LISTENER_FAILED' });
      }
      await db.pool.query(
        `UPDATE ${table} SET received_at = now() - interval '2 hours',
           done_at = CASE WHEN done_at IS NULL THEN NULL ELSE now() - interval '2 hours' END
         WHERE event_id LIKE 'old-%'`,
      );
      await db.pool.query(
        `UPDATE ${table} SET lease_until = now() - interval '1 minute' WHERE event_id = 'old-dead'`,
      );
      expect(await store.prune()).toBe(3);
      const left = (await store.events()).map((r) => r.eventId).sort();
      expect(left).toEqual(['old-live', 'recent']);
      expect(await store.prune()).toBe(0);
    });
  });

  test('options are checked', () => {
    expect(() => new PostgresDedupeStore({} as never)).toThrow('pool shaped like pg.Pool');
    expect(() => new PostgresDedupeStore(db.pool, { keepDoneMs: -1 })).toThrow('keepDoneMs');
    expect(() => new PostgresDedupeStore(db.pool, { schema: 'a-b' })).toThrow('schema');
    expect(() => new PostgresDedupeStore(db.pool, { keepBodies: true } as never)).toThrow(
      'keepBody',
    );
  });
});
