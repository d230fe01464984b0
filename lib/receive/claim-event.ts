import type { DedupeStore } from '../dedupe/dedupe-store';
import { VioletWebhookError } from '../errors';

/** A claim held on an event id, to complete on success or release on failure. */
export interface Claim {
  readonly store: DedupeStore;
  readonly eventId: string;
  readonly token: string;
}

function unavailable(eventType: string, eventId: string, cause: unknown): VioletWebhookError {
  return new VioletWebhookError(
    'DEDUPE_UNAVAILABLE',
    'the de-duplication store failed or cannot be reached (its error is the cause), so the event is not processed now; Violet will retry',
    { eventType, eventId, cause },
  );
}

/**
 * Step 9: claims the event id. Returns the claim, or `'done'` for an event processed already;
 * throws 409 while another delivery of it is being processed and 503 when the store fails.
 */
export async function claimEvent(
  store: DedupeStore,
  eventType: string,
  eventId: string,
  leaseMs: number,
): Promise<Claim | 'done'> {
  let result;
  try {
    result = await store.claim(eventId, { leaseMs });
  } catch (error) {
    throw unavailable(eventType, eventId, error);
  }
  if (result.state === 'new') return { store, eventId, token: result.token };
  if (result.state === 'done') return 'done';
  throw new VioletWebhookError(
    'DUPLICATE_IN_FLIGHT',
    'another delivery of this event is being processed right now; Violet will retry this one',
    { eventType, eventId },
  );
}

/** Records the outcome of processing. Returns the store's error, if any, for reporting. */
export async function settleClaim(
  claim: Claim | undefined,
  succeeded: boolean,
  eventType: string,
): Promise<VioletWebhookError | undefined> {
  if (claim === undefined) return undefined;
  try {
    if (succeeded) await claim.store.complete(claim.eventId, claim.token);
    else await claim.store.release(claim.eventId, claim.token);
    return undefined;
  } catch (error) {
    return unavailable(eventType, claim.eventId, error);
  }
}
