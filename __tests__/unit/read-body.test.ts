import { createHmac } from 'node:crypto';
import { BodyAlreadyRead } from '../../lib/receive/delivery';
import { readBody } from '../../lib/receive/read-body';
import { secretKey } from '../../lib/signature/hmac';

const secrets = ['one', 'two'];
const keys = secrets.map(secretKey);
const chunks = ['{"id":1,', '"bags":[', ']}'];
const whole = chunks.join('');
const digest = (secret: string) => createHmac('sha256', secret).update(whole).digest();

async function* iterable(parts: readonly (string | Uint8Array)[] = chunks) {
  for (const part of parts) yield part;
}

test.each([
  ['no declared length', {}],
  ['the right declared length', { 'content-length': String(whole.length) }],
  ['a declared length shorter than the body', { 'content-length': '5' }],
  ['a declared length longer than the body', { 'content-length': String(whole.length + 50) }],
])(
  'chunks with %s yield their text and the HMAC of their bytes under each secret',
  async (_label, headers) => {
    const raw = await readBody(iterable(), headers, 1024, keys);
    expect(raw.text).toBe(whole);
    expect(raw.digests).toEqual(secrets.map(digest));
  },
);

test.each([
  ['a string', () => whole],
  ['a Buffer', () => Buffer.from(whole)],
  ['a Uint8Array of a larger buffer', () => new TextEncoder().encode(`xx${whole}`).subarray(2)],
  ['the promise of bytes', () => Promise.resolve(new TextEncoder().encode(whole))],
  ['chunks of bytes', () => iterable(chunks.map((c) => Buffer.from(c)))],
])('%s gives the same text and digests', async (_label, body) => {
  const raw = await readBody(body(), {}, 1024, keys);
  expect(raw.text).toBe(whole);
  expect(raw.digests).toEqual(secrets.map(digest));
});

test.each([
  ['chunks', () => iterable()],
  ['a string', () => whole],
  ['a Buffer', () => Buffer.from(whole)],
  ['the promise of bytes', () => Promise.resolve(Buffer.from(whole))],
])('%s past the limit is refused with 413 and Connection: close', async (_label, body) => {
  await expect(readBody(body(), {}, 10, keys)).rejects.toMatchObject({
    code: 'PAYLOAD_TOO_LARGE',
    status: 413,
    headers: { Connection: 'close' },
  });
});

test('chunks past the limit are left: the iteration returns, and no more is pulled', async () => {
  let pulled = 0;
  let returned = false;
  const source: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.resolve({ done: false, value: String(++pulled).padStart(8, '0') }),
      return: () => {
        returned = true;
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  await expect(readBody(source, {}, 20, keys)).rejects.toMatchObject({ status: 413 });
  expect([pulled, returned]).toEqual([3, true]);
});

test('a declared length over the limit is refused before the body is read', async () => {
  let pulled = false;
  const source: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        pulled = true;
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  await expect(readBody(source, { 'content-length': '11' }, 10, keys)).rejects.toMatchObject({
    status: 413,
  });
  expect(pulled).toBe(false);
});

test.each([
  [
    'chunks that fail',
    () =>
      (async function* () {
        yield chunks[0] as string;
        throw new Error('socket hang up');
      })(),
  ],
  ['a promise of bytes that rejects', () => Promise.reject(new Error('aborted'))],
  ['a promise of something other than bytes', () => Promise.resolve(42 as unknown as Uint8Array)],
])('%s: a BodyStreamError, not an answer', async (_label, body) => {
  await expect(readBody(body(), {}, 1024, keys)).rejects.toMatchObject({
    name: 'BodyStreamError',
    code: 'BODY_STREAM_FAILED',
  });
});

test("a body already read is refused with 500 BODY_ALREADY_PARSED and the adapter's fix", async () => {
  const fix = 'read it before the other parser does';
  // Before its declared length is looked at: the fix is what the server needs, whatever the size.
  await expect(
    readBody(new BodyAlreadyRead(fix), { 'content-length': '99' }, 10, keys),
  ).rejects.toMatchObject({ code: 'BODY_ALREADY_PARSED', status: 500, message: fix });
});
