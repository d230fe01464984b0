import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { violetWebhooks, type VioletWebhookError } from '../../lib';
import { PostgresDedupeStore } from '../../lib/postgres';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';

describeWithPostgres('the Postgres store under the middleware', (url) => {
  let db: TestSchema;
  let store: PostgresDedupeStore;

  beforeEach(async () => {
    db = new TestSchema(url);
    store = new PostgresDedupeStore(db.pool, { schema: db.name });
    await store.migrate();
  });
  afterEach(() => db.drop());

  describe.each(EXPRESS_VERSIONS)('%s', (_name, express) => {
    test('a duplicate answers 200 duplicate and runs nothing; the ledger says done', async () => {
      const violet = violetWebhooks({ secret: SECRET, dedupe: store });
      let calls = 0;
      violet.on('ORDER_SHIPPED', () => void calls++);
      const app = appWith(express, violet);
      const d = delivery('ORDER_SHIPPED', { eventId: 'dup-1', skuId: 33331 });
      expect((await deliver(app, d)).body).toEqual({ received: true });
      expect((await deliver(app, d)).body).toEqual({ received: true, duplicate: true });
      expect(calls).toBe(1);
      const [record] = await store.events();
      expect(record).toMatchObject({
        eventId: 'dup-1',
        type: 'ORDER_SHIPPED',
        orderId: Number(d.headers['x-violet-order-id']),
        bagId: Number(d.headers['x-violet-bag-id']),
        entityId: d.headers['x-violet-entity-id'],
        state: 'done',
        attempts: 1,
        body: null,
      });
      expect(record?.doneAt?.getTime()).toBeGreaterThanOrEqual(record?.receivedAt.getTime() ?? 0);
    });

    test('a failing listener answers 500 and leaves the event failed; the retry processes it', async () => {
      const violet = violetWebhooks({ secret: SECRET, dedupe: store });
      violet.on('error', () => undefined);
      let fail = true;
      let done = 0;
      violet.on('MERCHANT_CONNECTED', () => {
        if (fail) throw new Error('database down');
        done++;
      });
      const app = appWith(express, violet);
      const d = delivery('MERCHANT_CONNECTED', { eventId: 'retry-1' });
      const first = await deliver(app, d);
      expect(first.status).toBe(500);
      expect(first.body.error.code).toBe('LISTENER_FAILED');
      expect(await store.events()).toMatchObject([
        { state: 'failed', attempts: 1, lastError: 'LISTENER_FAILED', doneAt: null },
      ]);
      fail = false;
      expect((await deliver(app, d)).status).toBe(200);
      expect(done).toBe(1);
      expect(await store.events()).toMatchObject([
        { state: 'done', attempts: 2, lastError: 'LISTENER_FAILED' },
      ]);
    });
  });

  test('a resent copy carries its source event id into the ledger; keepBody keeps the body', async () => {
    const keeping = new PostgresDedupeStore(db.pool, { schema: db.name, keepBody: true });
    const violet = violetWebhooks({ secret: SECRET, dedupe: keeping });
    const app = appWith(EXPRESS_VERSIONS[0][1], violet);
    const d = delivery('ORDER_REFUNDED', {
      eventId: 'resent-1',
      headers: { 'x-violet-event-id-source': 'original-1' },
    });
    expect((await deliver(app, d)).status).toBe(200);
    const [record] = await keeping.events({ type: 'ORDER_REFUNDED' });
    expect(record).toMatchObject({ sourceEventId: 'original-1', body: d.body, state: 'done' });
  });

  test('without migrate: 503 DEDUPE_UNAVAILABLE, and the error event names the command', async () => {
    const bare = new PostgresDedupeStore(db.pool, { schema: `${db.name}_none` });
    const violet = violetWebhooks({ secret: SECRET, dedupe: bare });
    const errors: VioletWebhookError[] = [];
    violet.on('error', (e) => void errors.push(e));
    const app = appWith(EXPRESS_VERSIONS[0][1], violet);
    const res = await deliver(app, delivery('ORDER_SHIPPED'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('DEDUPE_UNAVAILABLE');
    expect(JSON.stringify(res.body)).not.toContain('migrate');
    expect(String((errors[0]?.cause as Error).message)).toContain(
      `violet-webhooks postgres migrate --schema ${db.name}_none`,
    );
  });

  test('receive() on node:http: duplicate, failure then retry, ledger', async () => {
    const violet = violetWebhooks({ secret: SECRET, dedupe: store });
    violet.on('error', () => undefined);
    let fail = true;
    violet.on('ORDER_CANCELLED', () => {
      if (fail) throw new Error('nope');
    });
    const server = http.createServer((req, res) => {
      void violet.receive({ method: req.method, headers: req.headers, body: req }).then((r) => {
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(r.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const post = async (d: { headers: Record<string, string>; body: string }) => {
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', ...d });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    try {
      const d = delivery('ORDER_CANCELLED', { eventId: 'node-1' });
      expect((await post(d)).status).toBe(500);
      fail = false;
      expect(await post(d)).toEqual({ status: 200, body: { received: true } });
      expect(await post(d)).toEqual({ status: 200, body: { received: true, duplicate: true } });
      expect(await store.events()).toMatchObject([
        { eventId: 'node-1', type: 'ORDER_CANCELLED', state: 'done', attempts: 2 },
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
