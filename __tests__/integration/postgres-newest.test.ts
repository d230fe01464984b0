import { violetWebhooks, type VioletEvent } from '../../lib';
import { PostgresInbox, type PostgresClientLike } from '../../lib/postgres';
import { samplePayload } from '../../lib/testing';
import { postTo } from '../helpers/apps';
import { Child } from '../helpers/child';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';
import { gate, sleep, until } from '../helpers/wait';

/** A snapshot of bag `bagId` (the only bag of its order) modified at `at`, as a delivery. */
function snapshot(bagId: number, at: Date, eventId: string, type = 'ORDER_UPDATED') {
  const order = samplePayload('ORDER_UPDATED');
  const bag = order.bags[0];
  if (bag === undefined) throw new Error('the sample order has no bag');
  order.id = bagId * 10;
  bag.id = bagId;
  order.bags = [bag];
  return delivery(type, { eventId, payload: order, bagId, lastModified: at });
}

/** The event the package builds from a delivery. */
async function eventOf(d: { headers: Record<string, string>; body: string }): Promise<VioletEvent> {
  const { event } = await violetWebhooks({ secret: SECRET, dedupe: false }).receive(d);
  if (event === undefined) throw new Error('the delivery was refused');
  return event;
}

const BASE = Date.UTC(2026, 0, 1, 12, 0, 0);
const second = (n: number) => new Date(BASE + n * 1000);

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describeWithPostgres('inbox.once(event, fn, { newest: true }) on a real PostgreSQL', (url) => {
  let db: TestSchema;
  let inbox: PostgresInbox;
  let bags: string;

  /** `fn`: writes the snapshot's time into the bag's row, and returns it. */
  const apply = (event: VioletEvent) => async (client: PostgresClientLike) => {
    const bag = event.family === 'order' ? event.bag : undefined;
    await client.query(
      `INSERT INTO ${bags} (bag, at) VALUES ($1, $2::timestamptz)
      ON CONFLICT (bag) DO UPDATE SET at = EXCLUDED.at`,
      [bag?.id ?? 0, bag?.date_last_modified ?? 'epoch'],
    );
    return event.id;
  };
  const atOf = async (bag: number) =>
    (await db.rows<{ at: Date }>(`SELECT at FROM ${bags} WHERE bag = $1`, [bag]))[0]?.at;
  const newest = { newest: true } as const;

  beforeAll(async () => {
    db = new TestSchema(url);
    inbox = new PostgresInbox(db.pool, { schema: db.name });
    await inbox.migrate();
    bags = `"${db.name}".bags`;
    await db.pool.query(`CREATE TABLE ${bags} (bag bigint PRIMARY KEY, at timestamptz NOT NULL)`);
  });
  afterAll(() => db?.drop());

  test('an older snapshot after a newer one is stale; the row holds the newest', async () => {
    const newer = await eventOf(snapshot(1, second(5), 'n1-new'));
    const older = await eventOf(snapshot(1, second(4), 'n1-old'));
    expect(await inbox.once(newer, apply(newer), newest)).toEqual({ ran: true, value: 'n1-new' });
    expect(await inbox.once(older, apply(older), newest)).toEqual({ ran: false, reason: 'stale' });
    expect(await atOf(1)).toEqual(second(5));
    // The stale event is not recorded: it stays stale, never a duplicate.
    expect(await inbox.once(older, apply(older), newest)).toEqual({ ran: false, reason: 'stale' });
    const versions = await db.rows<{ entity_key: string; version: Date; event_id: string }>(
      `SELECT entity_key, version, event_id FROM "${db.name}".violet_webhook_versions WHERE entity_key = 'bag:1'`,
    );
    expect(versions).toEqual([{ entity_key: 'bag:1', version: second(5), event_id: 'n1-new' }]);
  });

  test('a duplicate says duplicate, even when it is also older than the newest', async () => {
    const first = await eventOf(snapshot(2, second(1), 'n2-a'));
    const later = await eventOf(snapshot(2, second(2), 'n2-b'));
    expect((await inbox.once(first, apply(first), newest)).ran).toBe(true);
    expect(await inbox.once(first, apply(first), newest)).toEqual({
      ran: false,
      reason: 'duplicate',
    });
    expect((await inbox.once(later, apply(later), newest)).ran).toBe(true);
    expect(await inbox.once(first, apply(first), newest)).toEqual({
      ran: false,
      reason: 'duplicate',
    });
    // Without newest, as before, with the reason.
    expect(await inbox.once(later, apply(later))).toEqual({ ran: false, reason: 'duplicate' });
  });

  test('equal versions are not stale: two changes in the same second both run', async () => {
    const accepted = await eventOf(snapshot(3, second(7), 'n3-accepted', 'ORDER_ACCEPTED'));
    const updated = await eventOf(snapshot(3, second(7), 'n3-updated'));
    const older = await eventOf(snapshot(3, second(6), 'n3-older'));
    expect((await inbox.once(accepted, apply(accepted), newest)).ran).toBe(true);
    expect((await inbox.once(updated, apply(updated), newest)).ran).toBe(true);
    expect((await inbox.once(older, apply(older), newest)).ran).toBe(false);
  });

  test('a newer event whose fn throws does not make an older one stale; its retry runs', async () => {
    const newer = await eventOf(snapshot(4, second(9), 'n4-new'));
    const older = await eventOf(snapshot(4, second(8), 'n4-old'));
    const failing = async (client: PostgresClientLike) => {
      await apply(newer)(client);
      throw new Error('after the write');
    };
    await expect(inbox.once(newer, failing, newest)).rejects.toThrow('after the write');
    expect(await atOf(4)).toBeUndefined();
    expect(await inbox.once(older, apply(older), newest)).toEqual({ ran: true, value: 'n4-old' });
    expect(await atOf(4)).toEqual(second(8));
    expect(await inbox.once(newer, apply(newer), newest)).toEqual({ ran: true, value: 'n4-new' });
    expect(await atOf(4)).toEqual(second(9));
  });

  test('an event without a version runs as once would', async () => {
    const order = samplePayload('ORDER_UPDATED');
    order.date_last_modified = 'not a date';
    const bag = order.bags[0];
    if (bag !== undefined) bag.date_last_modified = 'not a date';
    const unversioned = await eventOf(
      delivery('ORDER_UPDATED', { eventId: 'n5-none', payload: order }),
    );
    const fn = () => 'ran';
    expect(await inbox.once(unversioned, fn, newest)).toEqual({ ran: true, value: 'ran' });
    expect(await inbox.once(unversioned, fn, newest)).toEqual({ ran: false, reason: 'duplicate' });
    // Not an event of the package (no family): no version either.
    const plain = { id: 'n5-plain', type: 'ORDER_UPDATED' };
    expect(await inbox.once(plain, fn, newest)).toEqual({ ran: true, value: 'ran' });
    expect(await inbox.once(plain, fn, newest)).toEqual({ ran: false, reason: 'duplicate' });
    const rows = await db.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${db.name}".violet_webhook_versions WHERE event_id LIKE 'n5-%'`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  test('scopes keep separate version rows', async () => {
    const newer = await eventOf(snapshot(6, second(3), 'n6-new'));
    const older = await eventOf(snapshot(6, second(2), 'n6-old'));
    const fn = () => 1;
    expect((await inbox.once(newer, fn, { scope: 'orders', newest: true })).ran).toBe(true);
    expect(await inbox.once(older, fn, { scope: 'emails', newest: true })).toEqual({
      ran: true,
      value: 1,
    });
    expect(await inbox.once(older, fn, { scope: 'orders', newest: true })).toEqual({
      ran: false,
      reason: 'stale',
    });
    expect(await inbox.once(newer, fn, { scope: 'emails', newest: true })).toEqual({
      ran: true,
      value: 1,
    });
    // Without newest, the version rows are neither read nor written.
    const oldest = await eventOf(snapshot(6, second(1), 'n6-oldest'));
    expect((await inbox.once(oldest, fn, { scope: 'orders' })).ran).toBe(true);
    const rows = await db.rows<{ scope: string; event_id: string }>(
      `SELECT scope, event_id FROM "${db.name}".violet_webhook_versions WHERE entity_key = 'bag:6' ORDER BY scope`,
    );
    expect(rows).toEqual([
      { scope: 'emails', event_id: 'n6-new' },
      { scope: 'orders', event_id: 'n6-new' },
    ]);
  });

  test('on two pools: an older event waits for the newer one’s transaction, then is stale', async () => {
    const other = new PostgresInbox(db.otherPool(), { schema: db.name });
    const newer = await eventOf(snapshot(7, second(2), 'n7-new'));
    const older = await eventOf(snapshot(7, second(1), 'n7-old'));
    const hold = gate();
    let entered = false;
    const first = inbox.once(
      newer,
      async (client) => {
        entered = true;
        await hold.opened;
        return apply(newer)(client);
      },
      newest,
    );
    await until(() => entered);
    let olderDone = false;
    const waiting = other.once(older, apply(older), newest).finally(() => (olderDone = true));
    await sleep(200);
    expect(olderDone).toBe(false); // waiting for the version row
    hold.open();
    expect((await first).ran).toBe(true);
    expect(await waiting).toEqual({ ran: false, reason: 'stale' });
    expect(await atOf(7)).toEqual(second(2));
  });

  test('on two pools: a newer event waits for the older one’s transaction, then runs', async () => {
    const other = new PostgresInbox(db.otherPool(), { schema: db.name });
    const older = await eventOf(snapshot(8, second(1), 'n8-old'));
    const newer = await eventOf(snapshot(8, second(2), 'n8-new'));
    const hold = gate();
    let entered = false;
    const first = inbox.once(
      older,
      async (client) => {
        entered = true;
        await hold.opened;
        return apply(older)(client);
      },
      newest,
    );
    await until(() => entered);
    let newerDone = false;
    const later = other.once(newer, apply(newer), newest).finally(() => (newerDone = true));
    await sleep(200);
    expect(newerDone).toBe(false);
    hold.open();
    expect((await first).ran).toBe(true);
    expect((await later).ran).toBe(true);
    expect(await atOf(8)).toEqual(second(2));
  });

  test('newest is checked: a boolean', async () => {
    const e = await eventOf(snapshot(9, second(1), 'n9'));
    await expect(inbox.once(e, () => 1, { newest: 'yes' as never })).rejects.toThrow(TypeError);
    await expect(inbox.once(e, () => 1, { newer: true } as never)).rejects.toThrow(TypeError);
  });

  test('a schema migrated before the versions table: newest names the command, once still works', async () => {
    const old = new TestSchema(url);
    try {
      const oldInbox = new PostgresInbox(old.pool, { schema: old.name });
      await oldInbox.migrate();
      await old.pool.query(`DROP TABLE "${old.name}".violet_webhook_versions`);
      const e = await eventOf(snapshot(10, second(1), 'n10'));
      await expect(oldInbox.once(e, () => 1, newest)).rejects.toThrow(
        `violet-webhooks postgres migrate --schema ${old.name}`,
      );
      expect(await oldInbox.once(e, () => 1)).toEqual({ ran: true, value: 1 });
      await oldInbox.migrate(); // creates what is missing
      const e2 = await eventOf(snapshot(10, second(2), 'n10-b'));
      expect((await oldInbox.once(e2, () => 1, newest)).ran).toBe(true);
    } finally {
      await old.drop();
    }
  });
});

describeWithPostgres('newest wins across two processes', (url) => {
  const SNAPSHOTS = 12;
  const ROUNDS = 5;
  let db: TestSchema;
  let a: Child;
  let b: Child;

  const results = (id: string) =>
    [...a.lines, ...b.lines]
      .filter((line) => line.startsWith(`RESULT ${id} `))
      .map((line) => line.slice(`RESULT ${id} `.length));

  beforeAll(async () => {
    db = new TestSchema(url);
    await new PostgresInbox(db.pool, { schema: db.name }).migrate();
    await db.pool.query(`CREATE TABLE "${db.name}".app (bag bigint PRIMARY KEY, at timestamptz)`);
    await db.pool.query(
      `CREATE TABLE "${db.name}".log (bag bigint, at timestamptz, event_id text, pid integer, seq bigint)`,
    );
    await db.pool.query(`CREATE SEQUENCE "${db.name}".commit_order`);
    const env = { DATABASE_URL: url, SCHEMA: db.name, SECRET, POOL_MAX: '4' };
    a = new Child('postgres-newest.ts', env);
    b = new Child('postgres-newest.ts', env);
    await Promise.all([a.ready, b.ready]);
  }, 30_000);

  afterAll(async () => {
    for (const child of [a, b]) child?.kill('SIGKILL');
    await Promise.all([a?.exited, b?.exited]);
    await db?.drop();
  });

  test(`${SNAPSHOTS} snapshots of a bag, in random order, from two processes, ${ROUNDS} rounds: the newest wins, no fn commits after a newer one`, async () => {
    const [portA, portB] = await Promise.all([a.ready, b.ready]);
    let stale = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const bag = 9000 + round;
      await db.pool.query(`INSERT INTO "${db.name}".app (bag, at) VALUES ($1, 'epoch')`, [bag]);
      const base = BASE + round * 3_600_000;
      const ids: string[] = [];
      const sends: Array<Promise<number>> = [];
      for (const k of shuffled([...Array(SNAPSHOTS).keys()])) {
        const id = `round-${round}-${k}`;
        ids.push(id);
        const d = snapshot(bag, new Date(base + k * 1000), id);
        const pick = Math.random();
        // a third to both processes at once (the duplicate races the original), the rest to one
        const ports = pick < 0.33 ? [portA, portB] : [pick < 0.66 ? portA : portB];
        for (const port of ports) {
          sends.push(sleep(Math.random() * 40).then(async () => (await postTo(port, d)).status));
        }
      }
      expect((await Promise.all(sends)).filter((status) => status !== 200)).toEqual([]);
      await until(() => ids.every((id) => results(id).length > 0), 10_000);

      const app = await db.rows<{ at: Date }>(`SELECT at FROM "${db.name}".app WHERE bag = $1`, [
        bag,
      ]);
      const log = await db.rows<{ at: Date; event_id: string }>(
        `SELECT at, event_id FROM "${db.name}".log WHERE bag = $1 ORDER BY seq`,
        [bag],
      );
      // The app's row holds the newest snapshot, and in commit order each committed version is
      // newer than every one committed before it.
      const times = log.map((row) => row.at.getTime());
      const backwards = log.filter((_row, i) => i > 0 && (times[i] ?? 0) <= (times[i - 1] ?? 0));
      expect({ app: app[0]?.at, backwards }).toEqual({
        app: new Date(base + (SNAPSHOTS - 1) * 1000),
        backwards: [],
      });
      expect(log.at(-1)?.event_id).toBe(`round-${round}-${SNAPSHOTS - 1}`);
      // Each event ran at most once, and what the processes say matches the log.
      const ran = ids.filter((id) => results(id).includes('ran'));
      expect(ran.sort()).toEqual(log.map((row) => row.event_id).sort());
      for (const id of ids) {
        expect(results(id).filter((r) => r === 'ran').length).toBeLessThanOrEqual(1);
        expect(results(id).every((r) => ['ran', 'stale', 'duplicate'].includes(r))).toBe(true);
      }
      stale += ids.filter((id) => results(id).includes('stale')).length;
    }
    // Random order, concurrent: older snapshots did arrive after newer ones.
    expect(stale).toBeGreaterThan(0);
  }, 120_000);
});
