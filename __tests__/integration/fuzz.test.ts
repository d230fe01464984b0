import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import { violetWebhooks, VIOLET_EVENT_TYPES } from '../../lib';
import { PATH } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';

// Thousands of mutated deliveries against one real server: nothing crashes, nothing unsigned
// reaches a listener, bad input never gets a 5xx, and no body pollutes Object.prototype.

/** Independent of the package: does this signature hold for these bytes? */
function signedBySecret(body: Buffer, signature: string | undefined): boolean {
  if (signature === undefined) return false;
  const expected = createHmac('sha256', SECRET).update(body).digest();
  const given = Buffer.from(signature.trim(), 'base64');
  return (
    given.length === expected.length &&
    timingSafeEqual(given, expected) &&
    /^[A-Za-z0-9+/]{43}=$/.test(signature.trim())
  );
}

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
const headerText = fc.string({ unit: printable, maxLength: 60 });

const deepNesting = fc
  .integer({ min: 1, max: 50_000 })
  .map((depth) => '['.repeat(depth) + ']'.repeat(depth));
const protoKeys = fc.constantFrom(
  '{"__proto__":{"polluted":true},"id":1,"bags":[]}',
  '{"constructor":{"prototype":{"polluted":true}},"id":1,"bags":[]}',
  '{"id":1,"bags":[{"id":11111,"__proto__":{"polluted":true},"skus":[]}]}',
);

type Body =
  | { kind: 'sample' }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'json'; value: unknown };

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: fc.constant<Body>({ kind: 'sample' }), weight: 4 },
  fc.jsonValue({ maxDepth: 6 }).map<Body>((value) => ({ kind: 'json', value })),
  fc.oneof(headerText, deepNesting, protoKeys).map<Body>((text) => ({ kind: 'text', text })),
  fc.uint8Array({ maxLength: 300 }).map<Body>((bytes) => ({ kind: 'bytes', bytes })),
);

const mutation = fc.record({
  type: fc.oneof(
    { arbitrary: fc.constant('ORDER_SHIPPED'), weight: 3 },
    fc.constantFrom(...VIOLET_EVENT_TYPES, 'ORDER_CANCELED', 'SOMETHING_NEW'),
    headerText,
  ),
  body: bodyArb,
  // What happens to the signature after the body is chosen.
  signature: fc.oneof(
    { arbitrary: fc.constant('resign'), weight: 4 },
    fc.constantFrom('keep-original', 'drop', 'garbage', 'wrong-secret', 'legacy-header'),
  ),
  garbage: headerText,
  drop: fc.oneof(
    { arbitrary: fc.constant([]), weight: 3 },
    fc.subarray(['x-violet-topic', 'x-violet-event-id', 'content-type', 'x-violet-bag-id']),
  ),
  set: fc.oneof(
    { arbitrary: fc.constant({}), weight: 3 },
    fc.dictionary(
      fc.constantFrom(
        'x-violet-bag-id',
        'x-violet-sku-id',
        'x-violet-order-id',
        'x-violet-event-id',
        'content-type',
        'x-violet-topic',
      ),
      headerText,
      { maxKeys: 3 },
    ),
  ),
  flipByte: fc.option(fc.nat(), { nil: undefined, freq: 4 }),
});

function post(port: number, agent: http.Agent, headers: Record<string, string>, body: Buffer) {
  return new Promise<number>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: PATH,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(body.length) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('mutated deliveries never crash, never reach a listener unsigned, never get a 5xx', async () => {
  const violet = violetWebhooks({ secret: SECRET, limit: '256kb' });
  let lastDelivered: string | undefined;
  violet.on('*', (event) => {
    lastDelivered = event.id;
  });
  violet.on('error', () => undefined);
  const app = express();
  app.post(PATH, violet);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const statuses = new Map<number, number>();
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        n += 1;
        const eventId = `fuzz-${n}`;
        const original = delivery('ORDER_SHIPPED', { eventId });
        let body: Buffer;
        if (m.body.kind === 'sample') body = Buffer.from(original.body);
        else if (m.body.kind === 'text') body = Buffer.from(m.body.text);
        else if (m.body.kind === 'bytes') body = Buffer.from(m.body.bytes);
        else body = Buffer.from(JSON.stringify(m.body.value) ?? 'null');
        if (m.flipByte !== undefined && body.length > 0) body[m.flipByte % body.length] ^= 0x01;

        const headers: Record<string, string> = { ...original.headers, 'x-violet-topic': m.type };
        const signature = createHmac('sha256', SECRET).update(body).digest('base64');
        if (m.signature === 'resign') headers['x-violet-hmac'] = signature;
        if (m.signature === 'drop') delete headers['x-violet-hmac'];
        if (m.signature === 'garbage') headers['x-violet-hmac'] = m.garbage;
        if (m.signature === 'wrong-secret')
          headers['x-violet-hmac'] = createHmac('sha256', 'nope').update(body).digest('base64');
        if (m.signature === 'legacy-header') {
          delete headers['x-violet-hmac'];
          headers['x-violet-hmac-sha256'] = signature;
        }
        for (const name of m.drop) delete headers[name];
        Object.assign(headers, m.set);

        lastDelivered = undefined;
        const status = await post(port, agent, headers, body);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);

        expect(status).toBeLessThan(500);
        expect([200, 400, 401, 409, 413, 415, 422]).toContain(status);
        if (lastDelivered !== undefined) {
          expect(status).toBe(200);
          expect(
            signedBySecret(body, headers['x-violet-hmac'] ?? headers['x-violet-hmac-sha256']),
          ).toBe(true);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
      }),
      { numRuns: 3000 },
    );
  } finally {
    agent.destroy();
    server.close();
  }
  // The run covered accepted and rejected deliveries alike, not only one kind.
  expect(statuses.get(200)).toBeGreaterThan(50);
  expect(statuses.get(401)).toBeGreaterThan(50);
  expect((statuses.get(400) ?? 0) + (statuses.get(422) ?? 0)).toBeGreaterThan(50);
}, 120_000);
