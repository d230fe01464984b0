import express from 'express';
import { violetWebhooks, type VioletEvent } from '../../lib';
import { bullmqQueue, createVioletWorker } from '../../lib/bullmq';
import { PostgresInbox, type InboxEvent, type PostgresClientLike } from '../../lib/postgres';
import { deliver, PATH } from '../helpers/apps';
import { connectionOf, dropPrefix, testPrefix } from '../helpers/bullmq';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';
import { describeWithSharedRedis } from '../helpers/redis';
import { gate, sleep, until } from '../helpers/wait';

describeWithPostgres('PostgresInbox on a real PostgreSQL', (url) => {
  let db: TestSchema;
  let inbox: PostgresInbox;
  let orders: string;

  /** An effect in the app's own table, through the inbox's transaction. */
  const ship = (id: string) => async (client: PostgresClientLike) => {
    await client.query(
      `INSERT INTO ${orders} (id, shipped) VALUES ($1, 1)
      ON CONFLICT (id) DO UPDATE SET shipped = ${orders}.shipped + 1`,
      [id],
    );
    return id;
  };
  const shipped = async (id: string) =>
    (await db.rows<{ shipped: number }>(`SELECT shipped FROM ${orders} WHERE id = $1`, [id]))[0]
      ?.shipped ?? 0;

  beforeEach(async () => {
    db = new TestSchema(url);
    inbox = new PostgresInbox(db.pool, { schema: db.name });
    await inbox.migrate();
    orders = `"${db.name}".orders`;
    await db.pool.query(`CREATE TABLE ${orders} (id text PRIMARY KEY, shipped integer NOT NULL)`);
  });
  afterEach(() => db.drop());

  const event = (id: string, extra: Partial<InboxEvent> = {}): InboxEvent => ({
    id,
    type: 'ORDER_SHIPPED',
    ...extra,
  });

  test('runs once, resolves what fn returned; a second run resolves { ran: false, reason: duplicate }', async () => {
    expect(await inbox.once(event('e1'), ship('o1'))).toEqual({ ran: true, value: 'o1' });
    expect(await inbox.once(event('e1'), ship('o1'))).toEqual({ ran: false, reason: 'duplicate' });
    expect(await shipped('o1')).toBe(1);
  });

  test('concurrent runs of one event on two pools: one runs, the other waits and runs nothing', async () => {
    const other = new PostgresInbox(db.otherPool(), { schema: db.name });
    const hold = gate();
    let entered = 0;
    const first = inbox.once(event('e2'), async (client) => {
      entered++;
      await hold.opened;
      return ship('o2')(client);
    });
    await until(() => entered === 1);
    let secondDone = false;
    const second = other.once(event('e2'), ship('o2')).finally(() => (secondDone = true));
    await sleep(200);
    expect(secondDone).toBe(false); // waiting for the first transaction
    hold.open();
    expect(await first).toEqual({ ran: true, value: 'o2' });
    expect(await second).toEqual({ ran: false, reason: 'duplicate' });
    expect(await shipped('o2')).toBe(1);
  });

  test('a throw rolls back what fn wrote and is rethrown; the retry runs', async () => {
    const failing = async (client: PostgresClientLike) => {
      await ship('o3')(client);
      throw new Error('after the write');
    };
    await expect(inbox.once(event('e3'), failing)).rejects.toThrow('after the write');
    expect(await shipped('o3')).toBe(0);
    expect(await inbox.once(event('e3'), ship('o3'))).toEqual({ ran: true, value: 'o3' });
    expect(await shipped('o3')).toBe(1);
  });

  test('a copy resent through Violet’s API (another id, the source id) runs nothing', async () => {
    await inbox.once(event('e4'), ship('o4'));
    expect(await inbox.once(event('e4-resent', { sourceEventId: 'e4' }), ship('o4'))).toEqual({
      ran: false,
      reason: 'duplicate',
    });
    expect(await shipped('o4')).toBe(1);
  });

  test('scopes: each listener of one event applies its effect once', async () => {
    expect((await inbox.once(event('e5'), ship('a5'), { scope: 'orders' })).ran).toBe(true);
    expect((await inbox.once(event('e5'), ship('b5'), { scope: 'emails' })).ran).toBe(true);
    expect((await inbox.once(event('e5'), ship('a5'), { scope: 'orders' })).ran).toBe(false);
    expect([await shipped('a5'), await shipped('b5')]).toEqual([1, 1]);
  });

  test('without migrate, the error names the command', async () => {
    const bare = new PostgresInbox(db.pool, { schema: `${db.name}_none` });
    await expect(bare.once(event('e6'), ship('o6'))).rejects.toThrow(
      `violet-webhooks postgres migrate --schema ${db.name}_none`,
    );
    expect(() => new PostgresInbox(db.pool, { scope: 'x' } as never)).toThrow(TypeError);
  });

  test('in the middleware: a listener that fails inside once() is retried by Violet, effects once', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    violet.on('error', () => undefined);
    let attempts = 0;
    violet.on('ORDER_SHIPPED', (e: VioletEvent) =>
      inbox.once(e, async (client) => {
        await ship('o7')(client);
        if (++attempts === 1) throw new Error('crash after the write');
      }),
    );
    const app = express();
    app.post(PATH, violet);
    const d = delivery('ORDER_SHIPPED', { eventId: 'e7' });
    expect((await deliver(app, d)).status).toBe(500);
    expect((await deliver(app, d)).status).toBe(200);
    expect((await deliver(app, d)).status).toBe(200); // no store: the inbox alone keeps it once
    expect(await shipped('o7')).toBe(1);
  });

  describeWithSharedRedis('with BullMQ', (redisUrl) =>
    test('inside a BullMQ worker’s listener: a failed attempt rolls back, the retry writes once', async () => {
      const connection = connectionOf(redisUrl);
      const prefix = testPrefix();
      const queue = bullmqQueue({
        connection,
        name: 'violet',
        prefix,
        jobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 50 } },
      });
      const worker = createVioletWorker({ connection, name: 'violet', prefix });
      worker.on('error', () => undefined);
      let attempts = 0;
      let ran = 0;
      worker.on('ORDER_SHIPPED', async (e) => {
        const r = await inbox.once(e, async (client) => {
          await ship('o8')(client);
          if (++attempts === 1) throw new Error('worker crashed after the write');
        });
        if (r.ran) ran++;
      });
      const app = express();
      app.post(PATH, violetWebhooks({ secret: SECRET, queue }));
      try {
        expect((await deliver(app, delivery('ORDER_SHIPPED', { eventId: 'e8' }))).status).toBe(200);
        const resent = delivery('ORDER_SHIPPED', {
          eventId: 'e8-resent',
          headers: { 'x-violet-event-id-source': 'e8' },
        });
        await until(() => ran === 1);
        expect((await deliver(app, resent)).status).toBe(200);
        await until(async () => (await queue.queue.getCompletedCount()) === 2);
        expect([attempts, ran, await shipped('o8')]).toEqual([2, 1, 1]);
      } finally {
        await worker.close();
        await queue.close();
        await dropPrefix(redisUrl, prefix);
      }
    }),
  );
});
