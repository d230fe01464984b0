import { parseLimit } from '../../lib/parse-limit';

test.each([
  [100, 100],
  ['100', 100],
  ['1kb', 1024],
  ['1.5mb', 1.5 * 1024 * 1024],
  ['2 GB', 2 * 1024 ** 3],
  [' 10b ', 10],
])('parseLimit(%p) is %p bytes', (input, bytes) => {
  expect(parseLimit(input)).toBe(bytes);
});

test.each([0, -5, 1.5, NaN, Infinity, '', 'mb', '1tb', '-1mb', null, {}, '0.0001b'])(
  'parseLimit(%p) is not a limit',
  (input) => {
    expect(parseLimit(input)).toBeUndefined();
  },
);
