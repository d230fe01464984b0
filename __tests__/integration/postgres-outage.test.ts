import net from 'node:net';
import express from 'express';
import pg from 'pg';
import { violetWebhooks } from '../../lib';
import { PostgresDedupeStore } from '../../lib/postgres';
import { deliver, PATH } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { OwnPostgres, postgresBinDir } from '../helpers/own-postgres';
import { describeWithPostgres, TestSchema } from '../helpers/postgres';
import { freePort, listenOnLoopback } from '../helpers/ports';
import { describeWithRedis } from '../helpers/redis';

const DEADLINE_MS = 1000;

/** An app on `pool`, and how many times its listener ran for each event. */
function appOn(pool: pg.Pool, schema?: string) {
  const store = new PostgresDedupeStore(pool, { schema, queryTimeoutMs: DEADLINE_MS });
  const violet = violetWebhooks({ secret: SECRET, dedupe: store });
  const runs = new Map<string, number>();
  violet.on('*', (event) => void runs.set(event.id, (runs.get(event.id) ?? 0) + 1));
  violet.on('error', () => undefined);
  const app = express();
  app.post(PATH, violet);
  return { app, runs, store };
}

async function timed<T>(work: Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work;
  return [result, Date.now() - started];
}

const bin = postgresBinDir();

describeWithRedis(
  'the Postgres store when its server stops, hangs, or is short of connections',
  bin !== undefined,
  "PostgreSQL's initdb and pg_ctl",
  () => {
    test('stopped: 503 within the deadline, no listener; restarted: every retry processed once', async () => {
      const server = new OwnPostgres(await freePort(), bin as string);
      const pool = new pg.Pool({ connectionString: server.url, max: 4 });
      pool.on('error', () => undefined);
      try {
        server.init();
        server.start();
        const { app, runs, store } = appOn(pool);
        await store.migrate();
        const before = delivery('ORDER_SHIPPED', { eventId: 'before-outage' });
        expect((await deliver(app, before)).status).toBe(200);

        server.stop();
        const events = Array.from({ length: 10 }, (_, i) =>
          delivery('ORDER_SHIPPED', { eventId: `outage-${i}` }),
        );
        for (const d of events) {
          const [res, ms] = await timed(deliver(app, d));
          expect(res.status).toBe(503);
          expect(res.body.error.code).toBe('DEDUPE_UNAVAILABLE');
          expect(ms).toBeLessThan(DEADLINE_MS + 500);
        }
        expect(runs.size).toBe(1);

        server.start();
        for (const d of events) {
          let status = 0;
          for (let i = 0; i < 50 && status !== 200; i++) {
            status = (await deliver(app, d)).status;
            if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
          }
          expect(status).toBe(200);
          expect((await deliver(app, d)).body).toEqual({ received: true, duplicate: true });
        }
        expect([...runs.values()].every((n) => n === 1)).toBe(true);
        expect(runs.size).toBe(11);
      } finally {
        await pool.end().catch(() => undefined);
        server.destroy();
      }
    }, 60_000);

    test('stopped while a listener runs, started again: the completion lands, the event ends done', async () => {
      const server = new OwnPostgres(await freePort(), bin as string);
      const pool = new pg.Pool({ connectionString: server.url, max: 4 });
      pool.on('error', () => undefined);
      try {
        server.init();
        server.start();
        const store = new PostgresDedupeStore(pool, { queryTimeoutMs: DEADLINE_MS });
        await store.migrate();
        const violet = violetWebhooks({ secret: SECRET, dedupe: store });
        const errors: string[] = [];
        violet.on('error', (e) => void errors.push(e.code));
        let runs = 0;
        violet.on('ORDER_SHIPPED', async () => {
          runs++;
          server.stop(); // after the claim, before the completion
          setTimeout(() => server.start(), 1500);
        });
        const app = express();
        app.post(PATH, violet);
        const d = delivery('ORDER_SHIPPED', { eventId: 'mid-outage' });
        expect((await deliver(app, d)).status).toBe(200);
        expect(await store.events()).toMatchObject([{ eventId: 'mid-outage', state: 'done' }]);
        expect((await deliver(app, d)).body).toEqual({ received: true, duplicate: true });
        expect([runs, errors]).toEqual([1, []]);
      } finally {
        await pool.end().catch(() => undefined);
        server.destroy();
      }
    }, 60_000);
  },
);

describeWithPostgres('the Postgres store and a server that does not answer', (url) => {
  test('a server that accepts connections and never answers: 503 within the deadline, never a hang', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    const port = await listenOnLoopback(silent);
    const pool = new pg.Pool({ connectionString: `postgres://x@127.0.0.1:${port}/test`, max: 2 });
    try {
      const { app, runs } = appOn(pool);
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          timed(deliver(app, delivery('ORDER_SHIPPED', { eventId: `silent-${i}` }))),
        ),
      );
      for (const [res, ms] of answers) {
        expect(res.status).toBe(503);
        expect(ms).toBeLessThan(DEADLINE_MS + 500);
      }
      const [late, ms] = await timed(deliver(app, delivery('ORDER_SHIPPED')));
      expect([late.status, ms < DEADLINE_MS + 500]).toEqual([503, true]);
      expect(runs.size).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      void pool.end().catch(() => undefined);
    }
  });

  test('a pool of 2 connections under 50 concurrent deliveries answers them all', async () => {
    const db = new TestSchema(url, { max: 2 });
    try {
      const { app, runs, store } = appOn(db.pool, db.name);
      await store.migrate();
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          deliver(app, delivery('ORDER_SHIPPED', { eventId: `narrow-${i}` })),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(runs.size).toBe(50);
    } finally {
      await db.drop();
    }
  });
});
