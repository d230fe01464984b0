import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { captureRawBody, isVioletWebhookError, violetWebhooks } from '../../lib';
import { deliver, EXPRESS_VERSIONS, PATH } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';

const DUPLICATE_ANSWER = { received: true, duplicate: true };

/** Sends a body in chunks with no Content-Length, as a streaming sender would. */
async function postChunked(server: http.Server, headers: Record<string, string>, chunks: string[]) {
  const { port } = server.address() as AddressInfo;
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { 'content-length': _dropped, ...rest } = headers;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: PATH,
        method: 'POST',
        headers: { ...rest, 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe.each(EXPRESS_VERSIONS)('mounting (%s)', (_name, express) => {
  test('app.use(path, violet) accepts a delivery and rejects other methods', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const seen: string[] = [];
    violet.on('ORDER_SHIPPED', (event) => void seen.push(event.id));
    const app = express();
    app.use(PATH, violet);
    const d = delivery('ORDER_SHIPPED');
    await deliver(app, d).expect(200, { received: true });
    await request(app).get(PATH).expect(405);
    expect(seen).toEqual([d.headers['x-violet-event-id']]);
  });

  test('answers carry their Content-Length, not a chunked body', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const app = express();
    app.use(PATH, violet);
    const d = delivery('ORDER_SHIPPED');
    const forged = delivery('ORDER_SHIPPED', { secret: 'wrong' });
    const answers = [
      await deliver(app, d).expect(200),
      await deliver(app, d).expect(200),
      await deliver(app, forged).expect(401),
      await request(app).put(PATH).expect(405).expect('Allow', 'POST'),
    ];
    for (const answer of answers) {
      expect(answer.headers['transfer-encoding']).toBeUndefined();
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.text));
    }
    expect(answers[1]?.body).toEqual({ received: true, duplicate: true });
  });

  test('after express.json({ verify: captureRawBody }) the kept bytes are verified', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const types: string[] = [];
    violet.on('*', (event) => void types.push(event.type));
    const app = express();
    app.use(express.json({ verify: captureRawBody }));
    app.post(PATH, violet);
    const d = delivery('MERCHANT_CONNECTED');
    await deliver(app, d).expect(200);
    const forged = delivery('MERCHANT_CONNECTED', { secret: 'wrong' });
    await deliver(app, forged).expect(401);
    expect(types).toEqual(['MERCHANT_CONNECTED']);
  });

  test('after express.raw() the Buffer body is verified', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    let calls = 0;
    violet.on('ORDER_UPDATED', () => void (calls += 1));
    const app = express();
    app.post(PATH, express.raw({ type: 'application/json' }), violet);
    const d = delivery('ORDER_UPDATED');
    await deliver(app, d).expect(200);
    expect(calls).toBe(1);
  });

  test('after a plain express.json() it fails fast with 500 BODY_ALREADY_PARSED and the fix', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    let calls = 0;
    violet.on('*', () => void (calls += 1));
    const app = express();
    app.use(express.json());
    app.post(PATH, violet);
    const d = delivery('ORDER_SHIPPED');
    const started = Date.now();
    const res = await deliver(app, d).timeout(3000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('BODY_ALREADY_PARSED');
    expect(res.body.error.message).toContain('captureRawBody');
    expect(calls).toBe(0);
  });

  test('a chunked body with no Content-Length is stopped at `limit` with 413', async () => {
    const violet = violetWebhooks({ secret: SECRET, limit: 2048 });
    let calls = 0;
    violet.on('*', () => void (calls += 1));
    const app = express();
    app.post(PATH, violet);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const d = delivery('ORDER_SHIPPED');
      const res = await postChunked(server, d.headers, [d.body, ' '.repeat(4096)]);
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error.code).toBe('PAYLOAD_TOO_LARGE');
      const ok = delivery('MERCHANT_CONNECTED');
      const small = await postChunked(server, ok.headers, [
        ok.body.slice(0, 100),
        ok.body.slice(100),
      ]);
      expect(small.status).toBe(200);
      expect(calls).toBe(1);
    } finally {
      server.close();
    }
  });

  test('respond: false hands success to next() with req.violet and res.locals.violetResult', async () => {
    const violet = violetWebhooks({ secret: SECRET, respond: false });
    const app = express();
    app.post(PATH, violet, (req: Request, res: Response) => {
      res
        .status(202)
        .json({ mine: true, type: req.violet?.type, status: res.locals.violetResult?.status });
    });
    const d = delivery('ORDER_SHIPPED');
    const res = await deliver(app, d);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ mine: true, type: 'ORDER_SHIPPED', status: 200 });
  });

  test('req.violet holds the event before its listeners run, for a duplicate too', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const app = express();
    const requests: Request[] = [];
    app.use((req: Request, _res: Response, next: NextFunction) => {
      requests.push(req);
      next();
    });
    app.post(PATH, violet);
    const seen: boolean[] = [];
    violet.on('ORDER_SHIPPED', (event) => void seen.push(requests.at(-1)?.violet === event));
    const d = delivery('ORDER_SHIPPED');
    await deliver(app, d).expect(200);
    await deliver(app, d).expect(200, DUPLICATE_ANSWER);
    expect(seen).toEqual([true]);
    expect(requests[1]?.violet?.id).toBe(d.headers['x-violet-event-id']);
    const forged = delivery('ORDER_SHIPPED', { secret: 'wrong' });
    await deliver(app, forged).expect(401);
    expect(requests[2]?.violet).toBeUndefined();
  });

  test('respond: false hands failures to next(err) with err.status set', async () => {
    const violet = violetWebhooks({ secret: SECRET, respond: false });
    const app = express();
    app.post(PATH, violet);
    app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (!isVioletWebhookError(err)) return next(err);
      res.status(err.status).json({ handled: err.code, expose: err.expose });
    });
    const d = delivery('ORDER_SHIPPED', { secret: 'wrong' });
    const res = await deliver(app, d);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ handled: 'INVALID_SIGNATURE', expose: true });
  });

  test("respond: false with Express's default error handler keeps status and Allow", async () => {
    const violet = violetWebhooks({ secret: SECRET, respond: false });
    const app = express();
    app.use(PATH, violet);
    const res = await request(app).get(PATH);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });
});
