// Violet's dates (`2025-04-08T16:21:52+0000`, `2025-04-08T16:21:52Z`, fractions of a second if
// they ever come) read the same on every runtime: `Date.parse` of an offset without a colon is
// left to each engine, so this reads the fields itself.

const VIOLET_DATE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Milliseconds since the epoch of one of Violet's dates, or undefined when it is not one. A date
 * without an offset is read as UTC, as Violet writes its dates.
 *
 * @example
 * parseVioletDate('2025-04-08T16:21:52+0000'); // 1744129312000
 */
export function parseVioletDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = VIOLET_DATE.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = m as unknown as string[];
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const utc = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  // 31 February and the like: Date.UTC rolls over into the next month.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  return utc + ms - offsetMs(zone);
}

function offsetMs(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  return sign * (hours * 60 + minutes) * 60_000;
}
