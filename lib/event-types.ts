import { EVENT_TYPES_BY_FAMILY, EVENT_TYPE_ALIASES } from './generated/catalogue';

export { EVENT_TYPES_BY_FAMILY };

type ByFamily = typeof EVENT_TYPES_BY_FAMILY;

/**
 * An entity family; also the name of the event field that holds the payload.
 *
 * @example
 * const field: EventFamily = 'payoutAccount'; // event.payoutAccount
 */
export type EventFamily = keyof ByFamily;

/**
 * The event types of one family.
 *
 * @example
 * type TransferType = EventTypeOf<'transfer'>; // 'TRANSFER_SENT' | ...
 */
export type EventTypeOf<F extends EventFamily> = ByFamily[F][number];

/**
 * Every event type this package knows, in its canonical spelling.
 *
 * @example
 * const subscribed: VioletEventType[] = ['ORDER_SHIPPED', 'ORDER_REFUNDED'];
 */
export type VioletEventType = EventTypeOf<EventFamily>;

/**
 * Every event type this package knows, in its canonical spelling.
 *
 * @example
 * import { VIOLET_EVENT_TYPES } from 'express-violet-webhooks';
 * VIOLET_EVENT_TYPES.includes('ORDER_SHIPPED'); // true
 */
export const VIOLET_EVENT_TYPES: readonly VioletEventType[] = Object.freeze(
  Object.values(EVENT_TYPES_BY_FAMILY).flat(),
);

/** Spellings Violet also sends, mapped to the canonical one (lib/schemas/catalogue.json). */
const ALIASES: ReadonlyMap<string, VioletEventType> = new Map(Object.entries(EVENT_TYPE_ALIASES));

const FAMILY_OF = new Map<string, EventFamily>();
for (const [family, types] of Object.entries(EVENT_TYPES_BY_FAMILY)) {
  for (const type of types) FAMILY_OF.set(type, family as EventFamily);
}

/** The canonical spelling of a known topic, or undefined for a topic this package does not know. */
export function canonicalEventType(topic: string): VioletEventType | undefined {
  if (FAMILY_OF.has(topic)) return topic as VioletEventType;
  return ALIASES.get(topic);
}

/** The family of a known event type. */
export function familyOf(type: VioletEventType): EventFamily {
  return FAMILY_OF.get(type) as EventFamily;
}

/**
 * Whether a value names a known event type, in its canonical spelling.
 *
 * @example
 * if (isVioletEventType(topic)) subscribe(topic);
 */
export function isVioletEventType(value: unknown): value is VioletEventType {
  return typeof value === 'string' && FAMILY_OF.has(value);
}
