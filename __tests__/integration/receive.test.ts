import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { violetWebhooks, type VioletEvent } from '../../lib';
import { samplePayload } from '../../lib/testing';
import { SECRET, delivery } from '../helpers/deliveries';
import { opensslSign } from '../helpers/openssl';

describe('violet.receive() on a plain node:http server', () => {
  const violet = violetWebhooks({ secret: SECRET });
  const received: VioletEvent[] = [];
  violet.on('*', (event) => void received.push(event));
  const server = http.createServer((req, res) => {
    violet
      .receive({ method: req.method, headers: req.headers, body: req })
      .then(({ status, body, headers }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => void (received.length = 0));

  test('a delivery signed by openssl is accepted', async () => {
    const body = JSON.stringify(samplePayload('TRANSFER_SENT'));
    const d = delivery('TRANSFER_SENT', { payload: body });
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...d.headers, 'x-violet-hmac': opensslSign(body, SECRET) },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    expect(received.map((e) => e.type)).toEqual(['TRANSFER_SENT']);
  });

  test('a delivery signed by openssl with another secret is refused', async () => {
    const body = JSON.stringify(samplePayload('TRANSFER_SENT'));
    const d = delivery('TRANSFER_SENT', { payload: body });
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...d.headers, 'x-violet-hmac': opensslSign(body, 'other') },
      body,
    });
    expect(res.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  test('the legacy x-violet-hmac-sha256 header is accepted as a fallback', async () => {
    const d = delivery('MERCHANT_CONNECTED');
    const { 'x-violet-hmac': signature = '', ...rest } = d.headers;
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...rest, 'x-violet-hmac-sha256': signature },
      body: d.body,
    });
    expect(res.status).toBe(200);
    expect(received).toHaveLength(1);
  });

  test('405 carries Allow: POST through the result headers', async () => {
    const res = await fetch(url, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('violet.receive() without a server', () => {
  test('takes Fetch Headers and a Buffer body, and returns the event', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const d = delivery('OFFER_UPDATED');
    const result = await violet.receive({
      headers: new Headers(d.headers),
      body: Buffer.from(d.body),
    });
    expect(result.status).toBe(200);
    expect(result.event).toMatchObject({
      type: 'OFFER_UPDATED',
      family: 'offer',
      offer: { id: 70001 },
    });
  });

  test('takes headers in any case and a string body', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const d = delivery('COLLECTION_UPDATED');
    const upper = Object.fromEntries(
      Object.entries(d.headers).map(([k, v]) => [k.toUpperCase(), v]),
    );
    const result = await violet.receive({ headers: upper, body: d.body });
    expect(result.status).toBe(200);
  });

  test('a rejected delivery returns the error and the JSON body to answer with', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const d = delivery('ORDER_SHIPPED', { secret: 'wrong' });
    const result = await violet.receive({ headers: d.headers, body: d.body });
    expect(result.status).toBe(401);
    expect(result.error?.code).toBe('INVALID_SIGNATURE');
    expect(result.body).toEqual({
      error: { code: 'INVALID_SIGNATURE', message: expect.any(String) },
    });
  });

  test('a parsed object instead of bytes is BODY_ALREADY_PARSED', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const d = delivery('ORDER_SHIPPED');
    const result = await violet.receive({ headers: d.headers, body: JSON.parse(d.body) });
    expect(result.status).toBe(500);
    expect(result.error?.code).toBe('BODY_ALREADY_PARSED');
  });
});

describe.each([
  ['null', null],
  ['undefined', undefined],
  ['a number', 42],
])('violet.receive() with %s as the body', (_label, body) => {
  test('answers BODY_ALREADY_PARSED instead of throwing', async () => {
    const violet = violetWebhooks({ secret: SECRET });
    const d = delivery('ORDER_SHIPPED');
    const result = await violet.receive({ headers: d.headers, body: body as unknown as string });
    expect(result.error?.code).toBe('BODY_ALREADY_PARSED');
  });
});
