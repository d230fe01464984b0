import { retryAfterMs } from '../../lib/admin/http';

describe('retryAfterMs: what a Retry-After header asks for', () => {
  test.each<[string | null, number | undefined]>([
    [null, undefined],
    ['3', 3000],
    ['0', 0],
    ['1.5', 1500],
    ['-5', 0],
    ['120', 60_000], // never more than a minute
    ['soon', undefined],
  ])('%j is %j ms', (header, ms) => {
    expect(retryAfterMs(header)).toBe(ms);
  });

  test('an HTTP date: the time until then, none for a date past', () => {
    const inTen = new Date(Date.now() + 10_000).toUTCString();
    const ms = retryAfterMs(inTen) as number;
    expect(ms).toBeGreaterThan(8_000);
    expect(ms).toBeLessThanOrEqual(10_000);
    expect(retryAfterMs(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
  });
});
