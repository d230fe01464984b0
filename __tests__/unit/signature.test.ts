import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { sign, verifySignature } from '../../lib';

const SECRET = 'unit-secret';

describe('sign', () => {
  test('is base64 of HMAC-SHA256 over the exact bytes, keyed with the UTF-8 secret', () => {
    const body = '{"id":1,"name":"Café"}';
    const expected = createHmac('sha256', Buffer.from(SECRET, 'utf8'))
      .update(Buffer.from(body, 'utf8'))
      .digest('base64');
    expect(sign(body, SECRET)).toBe(expected);
    expect(sign(Buffer.from(body), SECRET)).toBe(expected);
    expect(sign(new Uint8Array(Buffer.from(body)), SECRET)).toBe(expected);
  });

  test('is pure: same input, same output; it does not change its input', () => {
    const body = Buffer.from('{"a":1}');
    const copy = Buffer.from(body);
    expect(sign(body, SECRET)).toBe(sign(body, SECRET));
    expect(body.equals(copy)).toBe(true);
  });

  test('refuses an empty secret', () => {
    expect(() => sign('{}', '')).toThrow(TypeError);
  });
});

describe('verifySignature', () => {
  // A body whose signature has '+' or '/', so that its base64url spelling differs.
  const body =
    Array.from({ length: 50 }, (_, i) => `{"id":${i}}`).find((b) => /[+/]/.test(sign(b, SECRET))) ??
    '';
  const good = sign(body, SECRET);

  test('returns the index of the matching secret, or -1', () => {
    expect(verifySignature(body, good, SECRET)).toBe(0);
    expect(verifySignature(body, good, ['new', SECRET])).toBe(1);
    expect(verifySignature(body, good, ['new', 'old'])).toBe(-1);
    expect(verifySignature(Buffer.from(body), good, [SECRET])).toBe(0);
    expect(verifySignature(body + ' ', good, SECRET)).toBe(-1);
  });

  test('tolerates surrounding whitespace in the header value', () => {
    expect(verifySignature(body, ` ${good} `, SECRET)).toBe(0);
  });

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['empty', ''],
    ['truncated', good.slice(0, 40)],
    ['unpadded', good.replace('=', '')],
    ['base64url', good.replace(/\+/g, '-').replace(/\//g, '_')],
    ['hex', Buffer.from(good, 'base64').toString('hex')],
  ])('a %s signature is no match', (_label, signature) => {
    expect(verifySignature(body, signature as string, SECRET)).toBe(-1);
  });

  test('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (b, s, k) => {
        const result = verifySignature(b as string, s as string, k as string[]);
        expect([-1, 0]).toContain(result);
      }),
      { numRuns: 2000 },
    );
  });
});
