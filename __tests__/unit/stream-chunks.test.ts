import { createHmac } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { streamChunks } from '../../lib/http/stream-chunks';
import { readBody } from '../../lib/receive/read-body';
import { secretKey } from '../../lib/signature/hmac';

const keys = [secretKey('one')];
const chunks = ['{"id":1,', '"bags":[', ']}'];
const whole = chunks.join('');

/** A stream like a request: it emits its chunks, then ends. */
function stream(): PassThrough {
  const s = new PassThrough();
  for (const c of chunks) s.write(c);
  s.end();
  return s;
}

test('a stream gives its text and the HMAC of its bytes, and keeps its error listener', async () => {
  const s = stream();
  const raw = await readBody(streamChunks(s), {}, 1024, keys);
  expect(raw.text).toBe(whole);
  expect(raw.digests).toEqual([createHmac('sha256', 'one').update(whole).digest()]);
  expect(s.listenerCount('error')).toBe(1);
});

test('chunks that come faster than they are taken are kept in order', async () => {
  const s = new PassThrough();
  const reading = readBody(streamChunks(s), {}, 1024, keys);
  // Several chunks in one tick, then the end in the same tick.
  for (const c of chunks) s.write(c);
  s.end();
  expect((await reading).text).toBe(whole);
});

test('a stream with its encoding set gives strings, taken as UTF-8', async () => {
  const s = Readable.from([Buffer.from('{"name":"caf'), Buffer.from('é"}')]);
  s.setEncoding('utf8');
  expect((await readBody(streamChunks(s), {}, 1024, keys)).text).toBe('{"name":"café"}');
});

test('nothing listens to a stream until the pipeline reads it', () => {
  const s = stream();
  streamChunks(s);
  expect([s.listenerCount('data'), s.readableFlowing]).toEqual([0, null]);
});

test('a stream past the limit is refused with 413, and paused without reading on', async () => {
  const s = new PassThrough();
  s.write(chunks[0]);
  s.write(chunks[1]);
  const result = readBody(streamChunks(s), {}, 10, keys);
  await expect(result).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  expect([s.isPaused(), s.listenerCount('data'), s.listenerCount('error')]).toEqual([true, 0, 1]);
});

test.each([
  ['fails', (s: PassThrough) => s.destroy(new Error('socket hang up')), 'socket hang up'],
  [
    'closes before it ends',
    (s: PassThrough) => s.destroy(),
    'the connection closed before the body ended',
  ],
])('a stream that %s is a BodyStreamError, not an answer', async (_label, fault, cause) => {
  const s = new PassThrough();
  s.write(chunks[0]);
  const reading = readBody(streamChunks(s), {}, 1024, keys);
  setImmediate(() => fault(s));
  await expect(reading).rejects.toMatchObject({
    name: 'BodyStreamError',
    cause: { message: cause },
  });
  expect(s.listenerCount('error')).toBe(1);
});

test('a stream destroyed before the read fails it at once, instead of waiting for ever', async () => {
  const s = new PassThrough();
  s.write(chunks[0]);
  s.destroy();
  await new Promise((resolve) => setImmediate(resolve)); // its 'close' has been
  const read = readBody(streamChunks(s), {}, 1024, keys);
  await expect(read).rejects.toMatchObject({
    code: 'BODY_STREAM_FAILED',
    cause: new Error('the connection closed before the body ended'),
  });
});

test('a stream paused before the read is resumed and read whole', async () => {
  const s = stream();
  s.pause();
  expect(s.readableFlowing).toBe(false);
  expect((await readBody(streamChunks(s), {}, 1024, keys)).text).toBe(whole);
});
