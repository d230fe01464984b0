import type { EventVersion } from '../receive/event-version';

/**
 * What a store answers when asked to claim an event id.
 *
 * @example
 * const claim = await store.claim(eventId, { leaseMs: 60_000 });
 * if (claim.state === 'new') await store.complete(eventId, claim.token);
 */
export type ClaimResult =
  /**
   * Nobody had it: the caller holds the claim and must complete or release it with `token`.
   * `stale`, from a store that tracks versions and was given the event's: whether a newer
   * version of the same entity was processed already.
   */
  | { readonly state: 'new'; readonly token: string; readonly stale?: boolean | undefined }
  /**
   * Another delivery of the same event holds a live claim (here or on another instance).
   * `repeats`: the claim was refused for its content (`ClaimedEvent.replayKey`), held by this
   * other event id.
   */
  | { readonly state: 'in-flight'; readonly repeats?: string | undefined }
  /** The event was processed already; `repeats`: its content was, under this other event id. */
  | { readonly state: 'done'; readonly repeats?: string | undefined };

/**
 * What the pipeline passes with each claim.
 *
 * @example
 * await store.claim(eventId, { leaseMs: 60_000 });
 */
export interface ClaimOptions {
  /** How long the claim lives if its holder never completes or releases it. */
  readonly leaseMs: number;
  /**
   * What the delivery says of the event, for a store that keeps a ledger (the Postgres store).
   * The pipeline always passes it; a store may ignore it.
   */
  readonly event?: ClaimedEvent | undefined;
}

/**
 * The event being claimed, as a ledger records it.
 *
 * @example
 * await store.claim(event.id, { leaseMs: 60_000, event: { type: 'ORDER_SHIPPED', body, ... } });
 */
export interface ClaimedEvent {
  /** The event type, canonical; Violet's own spelling for a type this package does not know. */
  readonly type: string;
  /** `x-violet-event-id-source`: the original event of a resent copy. */
  readonly sourceEventId: string | undefined;
  readonly orderId: number | undefined;
  readonly bagId: number | undefined;
  readonly entityId: string | undefined;
  /** The body as received. */
  readonly body: string;
  /**
   * The entity the event is a snapshot of and when it was last modified (ms since the epoch);
   * absent when the event has none or with `ordering: 'off'`. A store that tracks versions
   * answers `stale` from it, and records it when the claim is completed.
   */
  readonly version?: EventVersion | undefined;
  /**
   * With `replayGuard`: the delivery's content (type, bag and SKU headers, verified signature).
   * A store that guards replays ({@link DedupeStore.guardsReplays}) claims it with the event id
   * in the same atomic step, and answers `done` or `in-flight` with `repeats` while another
   * event id holds it.
   */
  readonly replayKey?: string | undefined;
}

/**
 * What the pipeline passes with a completion.
 *
 * @example
 * await store.complete(eventId, token, { version: { key: 'bag:11111', at: 1744129312000 } });
 */
export interface CompleteDetails {
  /**
   * The version the claim was taken with (`ClaimedEvent.version`): processed now, so that an
   * older one claimed after this is stale. A store keeps the newest per key.
   */
  readonly version?: EventVersion | undefined;
  /** The content key the claim was taken with (`ClaimedEvent.replayKey`): processed too. */
  readonly replayKey?: string | undefined;
}

/**
 * Why a claim is given up: the error code of the failed processing.
 *
 * @example
 * await store.release(eventId, token, { error: 'LISTENER_FAILED' });
 */
export interface ReleaseDetails {
  /** A `VioletWebhookError` code (`LISTENER_FAILED`, `QUEUE_UNAVAILABLE`, ...). */
  readonly error?: string | undefined;
  /** The content key the claim was taken with (`ClaimedEvent.replayKey`): released too. */
  readonly replayKey?: string | undefined;
}

/**
 * Where processed event ids and live claims are kept. A store guarantees: one claim per event id
 * at a time across every instance sharing it; a claim whose holder died expires after its lease;
 * processed ids are remembered long enough to cover Violet's 24 h retry window; only the holder
 * (the `token` returned by `claim`) can complete or release a claim.
 *
 * A method that cannot reach its backing store rejects; the middleware then answers 503
 * `DEDUPE_UNAVAILABLE` and runs no listener, so Violet retries later.
 *
 * @example
 * class MyStore implements DedupeStore {
 *   async claim(id, { leaseMs }) { ... return { state: 'new', token }; }
 *   async complete(id, token) { ... }
 *   async release(id, token) { ... }
 * }
 */
export interface DedupeStore {
  /** Claims `eventId` for processing, or says it is in flight or done. */
  claim(eventId: string, options: ClaimOptions): Promise<ClaimResult>;
  /**
   * Marks a claimed event as processed. A token that no longer holds the claim is ignored.
   * `details.version`, for a store that tracks versions, is recorded (the newest per key).
   */
  complete(eventId: string, token: string, details?: CompleteDetails): Promise<void>;
  /**
   * Gives a claim up so that the next delivery processes the event. Ignores a stale token.
   * `details` says why, for a store that keeps a ledger.
   */
  release(eventId: string, token: string, details?: ReleaseDetails): Promise<void>;
  /**
   * Optional, for a store that can answer without waiting (one in the process's memory): its
   * `claim` and `complete` as functions that return at once, or `undefined` when it cannot
   * answer so. The middleware asks once, when it is made, and then calls these instead of
   * `claim` and `complete`, saving a promise on each; `release` is always called as itself.
   * A store without this method is used through its promises, as before.
   *
   * @example
   * synchronous() {
   *   return { claim: (id, options) => this.claimHere(id, options), complete: (id, token) => this.completeHere(id, token) };
   * }
   */
  synchronous?(): SynchronousDedupe | undefined;
  /**
   * `true` when `claim` honours `ClaimedEvent.replayKey` (claims the content with the event id,
   * atomically), as `complete` and `release` do its key. The middleware's `replayGuard` option
   * needs it: a store without it is refused when the middleware is made.
   */
  readonly guardsReplays?: boolean | undefined;
}

/**
 * A store's `claim` and `complete` answered at once, as {@link DedupeStore.synchronous} gives
 * them: each must do exactly what its promise-returning twin does, and throws where that one
 * would reject.
 *
 * @example
 * const now = store.synchronous?.();
 * const claim = now?.claim(eventId, { leaseMs: 60_000 });
 */
export interface SynchronousDedupe {
  /** What `claim` resolves to. */
  claim(eventId: string, options: ClaimOptions): ClaimResult;
  /** What `complete` does. */
  complete(eventId: string, token: string, details?: CompleteDetails): void;
}

/** Violet retries for 24 hours; processed ids are remembered a little longer. */
export const DEFAULT_TTL_MS = 25 * 60 * 60 * 1000;
