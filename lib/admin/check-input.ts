import { canonicalEventType } from '../event-types';

/** Throws a TypeError before any call when `url` is not an https URL, as Violet requires. */
export function assertHttpsUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== 'https:') {
    throw new TypeError(
      `express-violet-webhooks: the endpoint must be an https:// URL (Violet delivers only over https), not ${JSON.stringify(url)}`,
    );
  }
}

/** Checks event types against the package's catalogue; throws a TypeError naming the unknown. */
export function assertEventTypes(events: readonly string[]): void {
  const unknown = events.filter((event) => canonicalEventType(event) === undefined);
  if (unknown.length > 0) {
    throw new TypeError(
      `express-violet-webhooks: unknown event type ${unknown.join(', ')} (see VIOLET_EVENT_TYPES or \`violet-webhooks types\`)`,
    );
  }
}

/** Compares types in any of Violet's spellings (the log writes ORDER_CANCELED). */
export function sameEventType(a: string, b: string): boolean {
  return a === b || (canonicalEventType(a) ?? a) === (canonicalEventType(b) ?? b);
}
