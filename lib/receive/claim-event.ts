import type {
  ClaimResult,
  ClaimedEvent,
  CompleteDetails,
  DedupeStore,
  SynchronousDedupe,
} from '../dedupe/dedupe-store';
import { VioletWebhookError, isVioletWebhookError } from '../errors';
import type { VioletEvent } from '../events';
import { eventVersion, type EventVersion } from './event-version';

/** A claim held on an event id, to complete on success or release on failure. */
export interface Claim {
  readonly store: DedupeStore;
  readonly eventId: string;
  readonly token: string;
  /** The version claimed with, recorded by the completion. */
  readonly version: EventVersion | undefined;
  /** What the store said of the version: a newer one was processed (undefined: unknown). */
  readonly stale: boolean | undefined;
  /** The content key claimed with the event id (`replayGuard`), completed or released with it. */
  readonly replayKey: string | undefined;
}

/** A duplicate: the event id was processed already, or (`replayGuard`) its content was. */
export interface Duplicate {
  /** The other event id whose content this delivery repeats; undefined for the same id. */
  readonly repeats: string | undefined;
}

const SAME_ID: Duplicate = Object.freeze({ repeats: undefined });

/** Whether the claim step found a duplicate rather than taking a claim. */
export const isDuplicate = (claim: Claim | Duplicate | undefined): claim is Duplicate =>
  claim !== undefined && !('token' in claim);

/** Whether the claim sends the event's version: `ordering: 'flag'`, the default. */
export type Ordering = 'flag' | 'off';

function unavailable(eventType: string, eventId: string, cause: unknown): VioletWebhookError {
  return new VioletWebhookError(
    'DEDUPE_UNAVAILABLE',
    'the de-duplication store failed or cannot be reached (its error is the cause), so the event is not processed now; Violet will retry',
    { eventType, eventId, cause },
  );
}

/** What a claim is taken with, besides the event and its body. */
export interface ClaimSettings {
  readonly leaseMs: number;
  readonly ordering: Ordering;
  /** The delivery's content key, with `replayGuard`. */
  readonly replayKey: string | undefined;
}

/**
 * Step 9: claims the event id. Returns the claim, or a {@link Duplicate} for an event (or, with
 * `replayGuard`, content) processed already; throws 409 while another delivery of it is being
 * processed and 503 when the store fails.
 */
export async function claimEvent(
  store: DedupeStore,
  event: VioletEvent,
  body: string,
  settings: ClaimSettings,
): Promise<Claim | Duplicate> {
  const eventType = typeOf(event);
  const details = claimed(event, eventType, body, settings);
  let result;
  try {
    result = await store.claim(event.id, { leaseMs: settings.leaseMs, event: details });
  } catch (error) {
    throw unavailable(eventType, event.id, error);
  }
  return claimFrom(store, result, eventType, event.id, details);
}

/**
 * Step 9 on a store that answers at once (`DedupeStore.synchronous`): what `claimEvent` resolves
 * to, or throws, without a promise.
 */
export function claimEventNow(
  store: DedupeStore,
  now: SynchronousDedupe,
  event: VioletEvent,
  body: string,
  settings: ClaimSettings,
): Claim | Duplicate {
  const eventType = typeOf(event);
  const details = claimed(event, eventType, body, settings);
  let result;
  try {
    result = now.claim(event.id, { leaseMs: settings.leaseMs, event: details });
  } catch (error) {
    throw unavailable(eventType, event.id, error);
  }
  return claimFrom(store, result, eventType, event.id, details);
}

/** Completes a claim at once, as `settleClaim` does on success; returns the store's error, if any. */
export function completeNow(
  now: SynchronousDedupe,
  claim: Claim,
  eventType: string,
): VioletWebhookError | undefined {
  try {
    if (claim.version === undefined && claim.replayKey === undefined) {
      now.complete(claim.eventId, claim.token);
    } else now.complete(claim.eventId, claim.token, completion(claim));
    return undefined;
  } catch (error) {
    return unavailable(eventType, claim.eventId, error);
  }
}

function typeOf(event: VioletEvent): string {
  return event.family === 'unknown' ? event.rawType : event.type;
}

/** What a completion records: the version and the content key the claim was taken with. */
function completion(claim: Claim): CompleteDetails {
  return { version: claim.version, replayKey: claim.replayKey };
}

function claimFrom(
  store: DedupeStore,
  result: ClaimResult,
  eventType: string,
  eventId: string,
  details: ClaimedEvent,
): Claim | Duplicate {
  const { version, replayKey } = details;
  if (result.state === 'new') {
    // A store that does not track versions answers no `stale`: unknown.
    const stale = version === undefined ? undefined : result.stale;
    return { store, eventId, token: result.token, version, stale, replayKey };
  }
  const repeats = replayKey === undefined ? undefined : result.repeats;
  if (result.state === 'done') return repeats === undefined ? SAME_ID : { repeats };
  throw new VioletWebhookError(
    'DUPLICATE_IN_FLIGHT',
    repeats === undefined
      ? 'another delivery of this event is being processed right now; Violet will retry this one'
      : `this delivery repeats the content of event ${repeats} (replayGuard), which is being processed right now; Violet will retry this one`,
    { eventType, eventId },
  );
}

/** What a ledger keeps of the event, the version a store compares, and the content key. */
function claimed(
  event: VioletEvent,
  type: string,
  body: string,
  settings: ClaimSettings,
): ClaimedEvent {
  const order = event.family === 'order' ? event : undefined;
  return {
    type,
    sourceEventId: event.sourceEventId,
    orderId: order?.orderId,
    bagId: order?.bagId,
    entityId: event.entityId,
    body,
    version: settings.ordering === 'flag' ? eventVersion(event) : undefined,
    replayKey: settings.replayKey,
  };
}

/** The code a ledger records for a failure: the package's own, or the error's name. */
function failureCode(error: unknown): string {
  if (isVioletWebhookError(error)) return error.code;
  return error instanceof Error ? error.name : 'Error';
}

/**
 * Records the outcome of processing: success, or the failure that releases the claim. Returns
 * the store's error, if any, for reporting.
 */
export async function settleClaim(
  claim: Claim | undefined,
  outcome: true | { readonly failure: unknown },
  eventType: string,
): Promise<VioletWebhookError | undefined> {
  if (claim === undefined) return undefined;
  try {
    if (outcome === true) {
      if (claim.version === undefined && claim.replayKey === undefined) {
        await claim.store.complete(claim.eventId, claim.token);
      } else await claim.store.complete(claim.eventId, claim.token, completion(claim));
    } else {
      const details = { error: failureCode(outcome.failure), replayKey: claim.replayKey };
      await claim.store.release(claim.eventId, claim.token, details);
    }
    return undefined;
  } catch (error) {
    return unavailable(eventType, claim.eventId, error);
  }
}
