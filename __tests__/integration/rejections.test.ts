import request from 'supertest';
import { violetWebhooks, type VioletWebhookError, type VioletWebhooksOptions } from '../../lib';
import { samplePayload } from '../../lib/testing';
import { appWith, deliver, EXPRESS_VERSIONS, PATH } from '../helpers/apps';
import { SECRET, delivery, recorder } from '../helpers/deliveries';

// Each negative test changes one thing of a valid delivery and checks status, code, and that no
// listener ran.
describe.each(EXPRESS_VERSIONS)('rejections over HTTP (%s)', (_name, express) => {
  function setup(options: Partial<VioletWebhooksOptions> = {}, mount: 'post' | 'use' = 'post') {
    const violet = violetWebhooks({ secret: SECRET, ...options });
    const all = recorder();
    const errors = recorder<VioletWebhookError>();
    violet.on('*', all.listener);
    violet.on('error', errors.listener);
    return {
      violet,
      app: appWith(express, violet, mount),
      listened: all.calls,
      errors: errors.calls,
    };
  }

  async function expectRejected(
    res: request.Response,
    status: number,
    code: string,
    listened: unknown[],
    errors: VioletWebhookError[],
  ) {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(typeof res.body.error.message).toBe('string');
    expect(listened).toHaveLength(0);
    expect(errors.map((e) => e.code)).toEqual([code]);
  }

  test('a valid delivery is accepted (the baseline every case below changes)', async () => {
    const { app, listened, errors } = setup();
    const d = delivery('ORDER_SHIPPED');
    const res = await deliver(app, d);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
    expect(listened).toHaveLength(1);
    expect(errors).toHaveLength(0);
  });

  test('405 METHOD_NOT_ALLOWED with Allow: POST for another method', async () => {
    const { app, listened, errors } = setup({}, 'use');
    const d = delivery('ORDER_SHIPPED');
    const res = await request(app).put(PATH).set(d.headers).send(d.body);
    await expectRejected(res, 405, 'METHOD_NOT_ALLOWED', listened, errors);
    expect(res.headers.allow).toBe('POST');
  });

  test.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
  ])('415 UNSUPPORTED_MEDIA_TYPE for %s', async (_label, type) => {
    const { app, listened, errors } = setup();
    const d = delivery('ORDER_SHIPPED');
    const res = await request(app).post(PATH).set(d.headers).set('content-type', type).send(d.body);
    await expectRejected(res, 415, 'UNSUPPORTED_MEDIA_TYPE', listened, errors);
  });

  test('415 UNSUPPORTED_MEDIA_TYPE for a compressed body', async () => {
    const { app, listened, errors } = setup();
    const d = delivery('ORDER_SHIPPED');
    const res = await request(app)
      .post(PATH)
      .set(d.headers)
      .set('content-encoding', 'gzip')
      .send(d.body);
    await expectRejected(res, 415, 'UNSUPPORTED_MEDIA_TYPE', listened, errors);
  });

  test.each(['application/json; charset=utf-8', 'application/vnd.violet+json', 'Application/JSON'])(
    'content type %s is accepted',
    async (type) => {
      const { app, listened } = setup();
      const d = delivery('ORDER_SHIPPED');
      const res = await request(app)
        .post(PATH)
        .set(d.headers)
        .set('content-type', type)
        .send(d.body);
      expect(res.status).toBe(200);
      expect(listened).toHaveLength(1);
    },
  );

  test('413 PAYLOAD_TOO_LARGE over `limit`', async () => {
    const { app, listened, errors } = setup({ limit: '1kb' });
    const d = delivery('ORDER_SHIPPED');
    expect(Buffer.byteLength(d.body)).toBeGreaterThan(1024);
    const res = await deliver(app, d);
    await expectRejected(res, 413, 'PAYLOAD_TOO_LARGE', listened, errors);
  });

  test('401 MISSING_SIGNATURE without x-violet-hmac', async () => {
    const { app, listened, errors } = setup();
    const { 'x-violet-hmac': _omitted, ...headers } = delivery('ORDER_SHIPPED').headers;
    const res = await request(app).post(PATH).set(headers).send(delivery('ORDER_SHIPPED').body);
    await expectRejected(res, 401, 'MISSING_SIGNATURE', listened, errors);
  });

  test('401 INVALID_SIGNATURE when signed with another secret', async () => {
    const { app, listened, errors } = setup();
    const d = delivery('ORDER_SHIPPED', { secret: 'another-secret' });
    const res = await deliver(app, d);
    await expectRejected(res, 401, 'INVALID_SIGNATURE', listened, errors);
    expect(res.body.error.message).not.toContain(SECRET);
  });

  test('401 INVALID_SIGNATURE when one byte of the body changed', async () => {
    const { app, listened, errors } = setup();
    const d = delivery('ORDER_SHIPPED');
    const res = await request(app)
      .post(PATH)
      .set(d.headers)
      .send(d.body.replace('"total":16145', '"total":16146'));
    await expectRejected(res, 401, 'INVALID_SIGNATURE', listened, errors);
  });

  test('401 INVALID_SIGNATURE for a signature that is not base64 of 32 bytes', async () => {
    const { app, listened, errors } = setup();
    const d = delivery('ORDER_SHIPPED');
    const res = await request(app)
      .post(PATH)
      .set(d.headers)
      .set('x-violet-hmac', 'not-a-signature')
      .send(d.body);
    await expectRejected(res, 401, 'INVALID_SIGNATURE', listened, errors);
  });

  test.each(['x-violet-topic', 'x-violet-event-id'])(
    '400 MISSING_HEADER without %s',
    async (name) => {
      const { app, listened, errors } = setup();
      const d = delivery('ORDER_SHIPPED');
      const headers = { ...d.headers };
      delete headers[name];
      const res = await request(app).post(PATH).set(headers).send(d.body);
      await expectRejected(res, 400, 'MISSING_HEADER', listened, errors);
      expect(res.body.error.message).toContain(name);
    },
  );

  test.each([
    ['x-violet-bag-id', 'abc'],
    ['x-violet-sku-id', '1.5'],
    ['x-violet-order-id', '-3'],
    ['x-violet-topic', 'order shipped'],
    ['x-violet-event-id', 'has spaces in it'],
  ])('400 INVALID_HEADER when %s is %p', async (name, value) => {
    const { app, listened, errors } = setup();
    const d = delivery('ORDER_SHIPPED');
    const res = await request(app).post(PATH).set(d.headers).set(name, value).send(d.body);
    await expectRejected(res, 400, 'INVALID_HEADER', listened, errors);
  });

  test('400 INVALID_JSON for a signed body that is not JSON', async () => {
    const { app, listened, errors } = setup();
    const d = delivery('ORDER_SHIPPED', { payload: '{"id": 1, "bags": [' });
    const res = await deliver(app, d);
    await expectRejected(res, 400, 'INVALID_JSON', listened, errors);
  });

  test('400 UNKNOWN_TOPIC for a new event type with unknownTopics: reject', async () => {
    const { app, listened, errors } = setup({ unknownTopics: 'reject' });
    const d = delivery('ORDER_TELEPORTED', { payload: { id: 1 } });
    const res = await deliver(app, d);
    await expectRejected(res, 400, 'UNKNOWN_TOPIC', listened, errors);
  });

  test('422 SCHEMA_MISMATCH names the failing path, without echoing the value', async () => {
    const { app, listened, errors } = setup();
    const order = samplePayload('ORDER_SHIPPED');
    const bag = order.bags[0] as unknown as Record<string, unknown>;
    bag.id = 'secret-looking-value';
    const d = delivery('ORDER_SHIPPED', { payload: order, bagId: 11111 });
    const res = await deliver(app, d);
    await expectRejected(res, 422, 'SCHEMA_MISMATCH', listened, errors);
    expect(res.body.error.errors[0]).toMatchObject({ path: '/bags/0/id', keyword: 'type' });
    expect(JSON.stringify(res.body)).not.toContain('secret-looking-value');
    expect(errors[0]?.errors?.[0]?.path).toBe('/bags/0/id');
  });

  test('500 LISTENER_FAILED when a listener throws, and the retry is processed', async () => {
    const { violet, app, errors } = setup();
    let calls = 0;
    violet.on('ORDER_SHIPPED', () => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
    });
    const d = delivery('ORDER_SHIPPED');
    const first = await deliver(app, d);
    expect({ status: first.status, code: first.body.error.code }).toEqual({
      status: 500,
      code: 'LISTENER_FAILED',
    });
    expect(JSON.stringify(first.body)).not.toContain('database down');
    expect(errors[0]?.cause).toEqual(new Error('database down'));
    const retry = await deliver(app, d);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ received: true });
    expect(calls).toBe(2);
  });

  test('500 LISTENER_FAILED when a listener rejects; several failures arrive as an AggregateError', async () => {
    const { violet, app, errors } = setup();
    violet.on('ORDER_SHIPPED', async () => Promise.reject(new Error('first')));
    violet.on('*', async () => {
      throw new Error('second');
    });
    const d = delivery('ORDER_SHIPPED');
    const res = await deliver(app, d);
    expect({ status: res.status, code: res.body.error.code }).toEqual({
      status: 500,
      code: 'LISTENER_FAILED',
    });
    const cause = errors[0]?.cause;
    expect(cause).toBeInstanceOf(AggregateError);
    expect((cause as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      'first',
      'second',
    ]);
  });

  test('503 LISTENER_TIMEOUT when listeners outlast `timeout`', async () => {
    const { violet, app, errors } = setup({ timeout: 50 });
    violet.on('ORDER_SHIPPED', () => new Promise((resolve) => setTimeout(resolve, 300)));
    const d = delivery('ORDER_SHIPPED');
    const res = await deliver(app, d);
    expect({ status: res.status, code: res.body.error.code }).toEqual({
      status: 503,
      code: 'LISTENER_TIMEOUT',
    });
    expect(errors.map((e) => e.code)).toEqual(['LISTENER_TIMEOUT']);
  });

  test('409 DUPLICATE_IN_FLIGHT while another copy is processed, then 200 duplicate', async () => {
    const { violet, app } = setup();
    let release: () => void = () => undefined;
    let calls = 0;
    violet.on('ORDER_SHIPPED', () => {
      calls += 1;
      return new Promise<void>((resolve) => (release = resolve));
    });
    const d = delivery('ORDER_SHIPPED');
    const first = deliver(app, d).then((r) => r);
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await deliver(app, d);
    expect({ status: second.status, code: second.body.error.code }).toEqual({
      status: 409,
      code: 'DUPLICATE_IN_FLIGHT',
    });
    release();
    expect((await first).status).toBe(200);
    const third = await deliver(app, d);
    expect(third.status).toBe(200);
    expect(third.body).toEqual({ received: true, duplicate: true });
    expect(calls).toBe(1);
  });

  test('503 DEDUPE_UNAVAILABLE when the store fails, and no listener runs', async () => {
    const failing = {
      claim: () => Promise.reject(new Error('connection refused')),
      complete: () => Promise.resolve(),
      release: () => Promise.resolve(),
    };
    const { app, listened, errors } = setup({ dedupe: failing });
    const d = delivery('ORDER_SHIPPED');
    const res = await deliver(app, d);
    await expectRejected(res, 503, 'DEDUPE_UNAVAILABLE', listened, errors);
  });
});
