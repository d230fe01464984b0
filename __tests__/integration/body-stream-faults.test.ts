import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import {
  BodyStreamError,
  isVioletWebhookError,
  violetWebhooks,
  writeResult,
  type VioletWebhookError,
} from '../../lib';
import { appWith, EXPRESS_VERSIONS, PATH } from '../helpers/apps';
import { SECRET, delivery, recorder } from '../helpers/deliveries';
import { streamUpload } from '../helpers/stream-upload';

function setup() {
  const violet = violetWebhooks({ secret: SECRET });
  const all = recorder();
  const errors: VioletWebhookError[] = [];
  violet.on('*', all.listener);
  violet.on('error', (error) => void errors.push(error));
  return { violet, all, errors };
}

describe('receive() resolves for every body a sender can break', () => {
  const d = delivery('ORDER_SHIPPED');
  const half = d.body.slice(0, 100);

  const faults: Array<[string, () => AsyncIterable<Uint8Array | string> | PassThrough]> = [
    [
      'a stream that errors mid-body',
      () => {
        const s = new PassThrough();
        s.write(half);
        setImmediate(() =>
          s.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
        );
        return s;
      },
    ],
    [
      'a stream closed mid-body (an aborted request)',
      () => {
        const s = new PassThrough();
        s.write(half);
        setImmediate(() => s.destroy());
        return s;
      },
    ],
    [
      'an async iterable that throws mid-body',
      () =>
        (async function* () {
          yield half;
          throw new Error('upstream reset');
        })(),
    ],
    [
      'an async iterable that yields something other than bytes',
      () =>
        (async function* () {
          yield half;
          yield 42 as unknown as string;
        })(),
    ],
  ];

  test.each(faults)(
    '%s: 400 BODY_STREAM_FAILED, a BodyStreamError, no listener',
    async (_l, body) => {
      const { violet, all, errors } = setup();
      const result = await violet.receive({ headers: d.headers, body: body() });
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ error: { code: 'BODY_STREAM_FAILED' } });
      expect(result.error).toBeInstanceOf(BodyStreamError);
      expect(isVioletWebhookError(result.error)).toBe(true);
      expect(all.calls).toHaveLength(0);
      expect(errors.map((e) => e.code)).toEqual(['BODY_STREAM_FAILED']);
    },
  );

  test('an async iterable past the limit is stopped: 413, and no more chunks are pulled', async () => {
    const violet = violetWebhooks({ secret: SECRET, limit: 1024 });
    let pulled = 0;
    const endless = (async function* () {
      for (;;) {
        pulled += 1;
        yield Buffer.alloc(512);
      }
    })();
    const result = await violet.receive({ headers: d.headers, body: endless });
    expect(result.status).toBe(413);
    expect(result.headers).toEqual({ Connection: 'close' });
    expect(pulled).toBe(3);
  });
});

/** Streams 200 MB at a server and reports what its socket read. */
async function flood(server: http.Server) {
  const sockets: Socket[] = [];
  server.on('connection', (socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const answered: Array<{ status: number; connection: unknown }> = [];
  server.on('request', (_req, res: http.ServerResponse) => {
    // The head as sent: headers given to writeHead() alone are not kept for getHeader().
    res.on('finish', () => {
      const head = (res as unknown as { _header: string })._header;
      const connection = /^connection: *(\S+)\r$/im.exec(head)?.[1];
      answered.push({ status: res.statusCode, connection });
    });
  });
  try {
    const { port } = server.address() as AddressInfo;
    const total = 200 * 1024 * 1024;
    const outcome = await streamUpload(port, PATH, delivery('ORDER_SHIPPED').headers, total);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const read = sockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
    return { outcome, read, total, answered };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('a body streamed far past the limit', () => {
  test.each(EXPRESS_VERSIONS)(
    'gets 413 with Connection: close in %s, and the server stops reading',
    async (_name, express) => {
      const { read, total, answered, outcome } = await flood(
        http.createServer(appWith(express, violetWebhooks({ secret: SECRET }))),
      );
      expect(answered).toEqual([{ status: 413, connection: 'close' }]);
      if (outcome.status !== undefined) expect(outcome.status).toBe(413);
      expect(read).toBeLessThan(total / 20);
    },
  );

  test('gets 413 with Connection: close from receive() and writeResult on node:http', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const { read, total, answered } = await flood(
      http.createServer(async (req, res) => {
        writeResult(
          res,
          await violet.receive({ method: req.method, headers: req.headers, body: req }),
        );
      }),
    );
    expect(answered).toEqual([{ status: 413, connection: 'close' }]);
    expect(read).toBeLessThan(total / 20);
  });
});

describe.each(EXPRESS_VERSIONS)('respond: false (%s)', (_name, express) => {
  test('a sender that aborts mid-body reaches next(err) with a BodyStreamError', async () => {
    const app = express();
    const reached = new Promise<unknown>((resolve) => {
      app.post(PATH, violetWebhooks({ secret: SECRET, respond: false }));
      app.use((error: unknown, _req: unknown, _res: unknown, next: (e?: unknown) => void) => {
        resolve(error);
        next(error);
      });
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const d = delivery('ORDER_SHIPPED');
      const req = http.request({
        host: '127.0.0.1',
        port,
        path: PATH,
        method: 'POST',
        headers: { ...d.headers, 'content-length': String(d.body.length) },
      });
      req.on('error', () => undefined);
      req.write(d.body.slice(0, 100));
      setTimeout(() => req.destroy(), 50);
      const error = await reached;
      expect(error).toBeInstanceOf(BodyStreamError);
      expect(error).toMatchObject({ code: 'BODY_STREAM_FAILED', status: 400 });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

test('a stream that fails again after it was given up on does not crash the process', async () => {
  const violet = violetWebhooks({ secret: SECRET, limit: 64 });
  const d = delivery('ORDER_SHIPPED');
  const body = new PassThrough();
  body.write(d.body.slice(0, 100));
  const result = await violet.receive({ headers: d.headers, body });
  expect(result.status).toBe(413);
  // Without a listener, an 'error' emitted now would be thrown and take the process down.
  expect(() => body.destroy(new Error('late failure'))).not.toThrow();
  await new Promise((resolve) => setImmediate(resolve));
  expect(body.listenerCount('error')).toBe(1);
});
