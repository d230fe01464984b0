import fc from 'fast-check';
import { BodyText } from '../../lib/receive/body-text';

/** Cuts `bytes` at the given offsets (any order, any repeats). */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

function collect(chunks: Buffer[]): string {
  const text = new BodyText();
  for (const chunk of chunks) text.add(chunk);
  return text.end();
}

test('text cut anywhere, even inside a character, decodes to the whole text', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), fc.array(fc.nat()), (s, offsets) => {
      const bytes = Buffer.from(s);
      expect(collect(cut(bytes, offsets))).toBe(s);
      expect(collect([bytes])).toBe(s);
    }),
    { numRuns: 2000 },
  );
});

test('any bytes, cut anywhere, decode as Buffer#toString does', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat()), (raw, offsets) => {
      const bytes = Buffer.from(raw);
      expect(collect(cut(bytes, offsets))).toBe(bytes.toString('utf8'));
    }),
    { numRuns: 2000 },
  );
});

test('ASCII chunks before and after a character split between chunks', () => {
  const bytes = Buffer.from('{"name":"Zoë 🚚"}');
  const split = bytes.indexOf(0xf0) + 2; // inside the four bytes of the emoji
  expect(collect([bytes.subarray(0, 5), bytes.subarray(5, split), bytes.subarray(split)])).toBe(
    '{"name":"Zoë 🚚"}',
  );
});
