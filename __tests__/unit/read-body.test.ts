import { createHmac } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { readBody } from '../../lib/receive/read-body';
import { secretKey } from '../../lib/signature/hmac';

const secrets = ['one', 'two'];
const keys = secrets.map(secretKey);
const chunks = ['{"id":1,', '"bags":[', ']}'];
const whole = chunks.join('');
const digest = (secret: string) => createHmac('sha256', secret).update(whole).digest();

/** A stream like a request: it emits its chunks, then ends. */
function stream(): Readable {
  const s = new PassThrough();
  for (const c of chunks) s.write(c);
  s.end();
  return s;
}

test.each([
  ['no declared length', {}],
  ['the right declared length', { 'content-length': String(whole.length) }],
  ['a declared length shorter than the body', { 'content-length': '5' }],
  ['a declared length longer than the body', { 'content-length': String(whole.length + 50) }],
])(
  'a stream with %s yields its text and the HMAC of its bytes under each secret',
  async (_label, headers) => {
    const raw = await readBody(stream(), headers, 1024, keys);
    expect(raw.text).toBe(whole);
    expect(raw.digests).toEqual(secrets.map(digest));
  },
);

test('an async iterable of chunks and a string body give the same text and digests', async () => {
  const fromIterable = await readBody(Readable.from(chunks).iterator(), {}, 1024, keys);
  const fromString = await readBody(whole, {}, 1024, keys);
  expect(fromIterable.text).toBe(fromString.text);
  expect(fromIterable.digests).toEqual(fromString.digests);
});

test('a stream past the limit is refused with 413 without reading on', async () => {
  await expect(readBody(stream(), {}, 10, keys)).rejects.toMatchObject({
    code: 'PAYLOAD_TOO_LARGE',
    status: 413,
  });
});

test.each([
  ['an async iterable', () => Readable.from(chunks).iterator()],
  ['a string', () => whole],
  ['a Buffer', () => Buffer.from(whole)],
])('%s past the limit is refused with 413', async (_label, body) => {
  await expect(readBody(body(), {}, 10, keys)).rejects.toMatchObject({
    code: 'PAYLOAD_TOO_LARGE',
    status: 413,
  });
});

test('a stream that fails is a BodyStreamError, not an answer', async () => {
  const s = new PassThrough();
  const reading = readBody(s, {}, 1024, keys);
  s.destroy(new Error('socket hang up'));
  await expect(reading).rejects.toMatchObject({ name: 'BodyStreamError' });
});
