import { postTo } from '../helpers/apps';
import { Child } from '../helpers/child';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithPgBouncer, OwnPgBouncer } from '../helpers/pgbouncer';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';
import { atMost, sleep, until } from '../helpers/wait';
import { PostgresInbox } from '../../lib/postgres';

const LEASE_MS = 1500;

/** An app instance in its own process, sharing the Postgres store of the test's schema. */
class Instance {
  readonly child: Child;

  constructor(url: string, schema: string, slowMs: number) {
    this.child = new Child('postgres-instance.ts', {
      DATABASE_URL: url,
      SCHEMA: schema,
      SECRET,
      LEASE_MS: String(LEASE_MS),
      SLOW_MS: String(slowMs),
    });
  }

  count(what: string, id: string): number {
    return this.child.lines.filter((l) => l === `${what} ${id}`).length;
  }

  async send(d: { headers: Record<string, string>; body: string }): Promise<number> {
    return (await postTo(await this.child.ready, d)).status;
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.child.exited;
  }
}

/**
 * The suite, with the app's processes on `url` straight, or through a PgBouncer in transaction
 * mode (as Supabase's and Neon's poolers run); the test's own queries go straight to Postgres.
 */
const suite = (url: string, through?: 'pgbouncer') => () => {
  let db: TestSchema;
  let a: Instance;
  let b: Instance;
  let appUrl = url;
  let bouncer: OwnPgBouncer | undefined;
  const victims: Instance[] = [];
  const victim = (slowMs: number) => {
    const instance = new Instance(appUrl, db.name, slowMs);
    victims.push(instance);
    return instance;
  };

  beforeAll(async () => {
    db = new TestSchema(url);
    if (through === 'pgbouncer') {
      bouncer = new OwnPgBouncer(url, 'transaction');
      await bouncer.start();
      appUrl = bouncer.url;
    }
    // migrate, through PgBouncer too when there is one
    const migrating = db.otherPool({ connectionString: appUrl, max: 1 });
    await new PostgresInbox(migrating, { schema: db.name }).migrate();
    await db.pool.query(`CREATE TABLE "${db.name}".effects (event_id text NOT NULL, pid integer)`);
    a = new Instance(appUrl, db.name, 50);
    b = new Instance(appUrl, db.name, 50);
    await Promise.all([a.child.ready, b.child.ready]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([a, b, ...victims].map((instance) => instance?.kill()));
    await db?.drop();
    await bouncer?.stop();
  });

  test('1,000 events, a fifth sent to both at once: each processed exactly once, only 200/409', async () => {
    const ids: string[] = [];
    const sends: Array<() => Promise<number[]>> = [];
    for (let i = 0; i < 1000; i++) {
      const id = `many-${i}`;
      ids.push(id);
      const d = delivery('ORDER_SHIPPED', { eventId: id });
      if (i % 5 === 0) sends.push(() => Promise.all([a.send(d), b.send(d)]));
      else sends.push(async () => [await (i % 2 ? a : b).send(d)]);
    }
    const flat = (await atMost(16, sends)).flat();
    expect(flat).toHaveLength(1200);
    expect(flat.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    await until(
      () => ids.every((id) => a.count('PROCESSED', id) + b.count('PROCESSED', id) >= 1),
      10_000,
    );
    await sleep(200);
    const wrong = ids.filter((id) => a.count('PROCESSED', id) + b.count('PROCESSED', id) !== 1);
    expect(wrong).toEqual([]);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM "${db.name}".violet_webhook_events WHERE state = 'done' AND event_id LIKE 'many-%'`,
    );
    expect(rows[0].n).toBe(1000);
  }, 120_000);

  test('kill -9 in the middle of a listener: its claim holds for the lease, then the other takes it', async () => {
    const killed = victim(60_000);
    const d = delivery('ORDER_SHIPPED', { eventId: 'slow-crash-1' });
    void killed.send(d).catch(() => undefined);
    await until(() => killed.count('STARTED', 'slow-crash-1') === 1);
    await killed.kill();
    const killedAt = Date.now();
    expect(await a.send(d)).toBe(409);
    await sleep(Math.max(0, LEASE_MS - (Date.now() - killedAt)) + 300);
    expect(await a.send(d)).toBe(200);
    expect(a.count('PROCESSED', 'slow-crash-1')).toBe(1);
    expect(await b.send(d)).toBe(200); // a duplicate now
    expect(b.count('STARTED', 'slow-crash-1')).toBe(0);
  }, 30_000);

  test('kill -9 in the middle of an inbox transaction: rolled back, the retry writes once', async () => {
    const killed = victim(60_000);
    const d = delivery('ORDER_SHIPPED', { eventId: 'inbox-slow-crash' });
    void killed.send(d).catch(() => undefined);
    await until(() => killed.count('IN_TX', 'inbox-slow-crash') === 1);
    const uncommitted = await db.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${db.name}".effects WHERE event_id = 'inbox-slow-crash'`,
    );
    expect(uncommitted[0]?.n).toBe(0); // not committed
    await killed.kill();
    await sleep(LEASE_MS + 300);
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = await a.send(d);
      if (status !== 200) await sleep(200);
    }
    expect(status).toBe(200);
    // A resent copy of the same event, after that: the inbox runs nothing.
    const resent = delivery('ORDER_SHIPPED', {
      eventId: 'inbox-resent-copy',
      headers: { 'x-violet-event-id-source': 'inbox-slow-crash' },
    });
    expect(await b.send(resent)).toBe(200);
    const effects = await db.rows<{ pid: number }>(
      `SELECT pid FROM "${db.name}".effects WHERE event_id = 'inbox-slow-crash'`,
    );
    expect(effects).toHaveLength(1);
    expect(b.count('IN_TX', 'inbox-resent-copy')).toBe(0);
  }, 30_000);
};

describeWithPostgres('app processes sharing the Postgres store', (url) => suite(url)());

describeWithPgBouncer(
  'app processes sharing the Postgres store through PgBouncer in transaction mode',
  (url) => suite(url, 'pgbouncer')(),
);
