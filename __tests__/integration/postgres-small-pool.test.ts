import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { violetWebhooks, type VioletWebhookError } from '../../lib';
import { PostgresDedupeStore, PostgresInbox } from '../../lib/postgres';
import { PATH, postTo } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';
import { gate, sleep } from '../helpers/wait';

describeWithPostgres('a pool of 3 under 10 concurrent slow listeners', (url) => {
  let db: TestSchema;
  let server: http.Server | undefined;
  beforeEach(() => void (db = new TestSchema(url, { max: 3 })));
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await db.drop();
  });

  test('every delivery answered 200 ends done in the ledger; a copy then answers duplicate', async () => {
    const store = new PostgresDedupeStore(db.pool, { schema: db.name, queryTimeoutMs: 500 });
    await store.migrate();
    const inbox = new PostgresInbox(db.pool, { schema: db.name });
    const violet = violetWebhooks({ secret: SECRET, dedupe: store });
    const errors: VioletWebhookError[] = [];
    violet.on('error', (e) => void errors.push(e));
    // Each listener holds a connection of the pool for 700 ms (longer than a statement may wait
    // for one), so that completions queue behind the listeners still waiting for theirs. The
    // listeners start once all ten deliveries are claimed: a claim that waited behind them past
    // 500 ms would be answered 503, rightly, and this test is about the completions.
    let arrived = 0;
    const allClaimed = gate();
    violet.on('ORDER_SHIPPED', async (event) => {
      if (++arrived === 10) allClaimed.open();
      await allClaimed.opened;
      return inbox.once(event, () => sleep(700));
    });
    const app = express();
    app.post(PATH, violet);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server?.once('listening', resolve));
    const { port } = server.address() as AddressInfo;

    const deliveries = Array.from({ length: 10 }, (_, i) =>
      delivery('ORDER_SHIPPED', { eventId: `small-pool-${i}` }),
    );
    const answers = await Promise.all(deliveries.map((d) => postTo(port, d, 60_000)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));

    const states = await db.rows<{ event_id: string; state: string }>(
      `SELECT event_id, state FROM "${db.name}".violet_webhook_events ORDER BY event_id`,
    );
    expect(states).toHaveLength(10);
    expect(states.filter((r) => r.state !== 'done')).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual([]);
    // Violet's copy of any of them: a duplicate, not 409.
    const copies = await Promise.all(deliveries.map((d) => postTo(port, d)));
    expect(copies.map((a) => a.status)).toEqual(Array(10).fill(200));
  }, 60_000);

  test('a completion that fails is tried again until it lands, or rejects once its lease ends', async () => {
    let down = false;
    const flaky = {
      query: db.pool.query.bind(db.pool),
      connect: () =>
        down ? Promise.reject(new Error('pool out of connections')) : db.pool.connect(),
    } as unknown as typeof db.pool;
    const store = new PostgresDedupeStore(flaky, { schema: db.name });
    await store.migrate();
    const state = async (id: string) =>
      (
        await db.rows<{ state: string }>(
          `SELECT state FROM "${db.name}".violet_webhook_events WHERE event_id = $1`,
          [id],
        )
      )[0]?.state;

    const claim = await store.claim('flaky-1', { leaseMs: 60_000 });
    if (claim.state !== 'new') throw new Error('not claimed');
    down = true;
    const completing = store.complete('flaky-1', claim.token);
    await sleep(400);
    expect(await state('flaky-1')).toBe('claimed');
    down = false;
    await completing;
    expect(await state('flaky-1')).toBe('done');

    const short = await store.claim('flaky-2', { leaseMs: 500 });
    if (short.state !== 'new') throw new Error('not claimed');
    down = true;
    const started = Date.now();
    await expect(store.complete('flaky-2', short.token)).rejects.toThrow('pool out of connections');
    expect(Date.now() - started).toBeLessThan(1500);
    down = false;
    expect(await state('flaky-2')).toBe('claimed'); // its lease, then the next delivery, decide
  });
});
