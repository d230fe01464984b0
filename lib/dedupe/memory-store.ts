import { checkKeys } from '../check-keys';
import { checkDuration, checkWholeNumber } from '../check-option';
import {
  DEFAULT_TTL_MS,
  type ClaimOptions,
  type ClaimResult,
  type CompleteDetails,
  type DedupeStore,
  type SynchronousDedupe,
} from './dedupe-store';

/**
 * Options of {@link MemoryDedupeStore}.
 *
 * @example
 * new MemoryDedupeStore({ max: 50_000, ttlMs: 26 * 60 * 60 * 1000 });
 */
export interface MemoryDedupeStoreOptions {
  /** Most event ids kept; the oldest are forgotten first. Default 100,000. */
  max?: number | undefined;
  /** How long a processed id is remembered. Default 25 hours (Violet retries for 24). */
  ttlMs?: number | undefined;
  /** How long a claim lives without its holder finishing. Default: what the middleware asks. */
  leaseMs?: number | undefined;
}

interface Entry {
  /** The key in the map: an event id, or a content key (`REPLAY` and `replayKey`). */
  readonly eventId: string;
  token: string | undefined; // undefined once done
  expiresAt: number;
  /** Where the newest write of this id sits in the ring; older slots of it are stale. */
  slot: number;
  /**
   * With `replayGuard`: an event's content key, and a content key's event id (claimed together,
   * with one token).
   */
  pair: string | undefined;
}

/** Content keys share the map with event ids, which never start with this. */
const REPLAY = '\u0000replay:';

/** The newest processed version of an entity, and until when it is remembered. */
interface Version {
  at: number;
  expiresAt: number;
}

/**
 * The default store: one process's memory, bounded in entries and in time. O(1) per operation
 * and no timer per entry: ids are kept in write order in a ring, so the oldest is found without
 * scanning, and expired entries are dropped from the old end as they are met.
 * Use `RedisDedupeStore` when several instances of the app receive webhooks.
 *
 * @example
 * const violet = violetWebhooks({ secret, dedupe: new MemoryDedupeStore({ max: 50_000 }) });
 */
export class MemoryDedupeStore implements DedupeStore {
  private readonly entries = new Map<string, Entry>();
  /** Entries in write order; one written again (claim, then complete) leaves a stale slot. */
  private readonly ring: (Entry | undefined)[];
  private head = 0;
  private tail = 0;
  private used = 0;
  private readonly max: number;
  private readonly ttlMs: number;
  private readonly leaseMs: number | undefined;
  private counter = 0;
  /**
   * Per entity key, the newest version processed and until when it counts (an expired one counts
   * for nothing); at most `max` keys, the first one seen dropped past it.
   */
  private readonly versions = new Map<string, Version>();
  /** `claim` and `complete` answered at once: memory needs no wait. */
  private readonly now: SynchronousDedupe = {
    claim: (eventId, options) => this.claimNow(eventId, options),
    complete: (eventId, token, details) => this.completeNow(eventId, token, details),
  };

  constructor(options: MemoryDedupeStoreOptions = {}) {
    const owner = 'MemoryDedupeStore';
    checkKeys(owner, options, ['max', 'ttlMs', 'leaseMs']);
    const max = checkWholeNumber(owner, 'max', options.max ?? undefined, 1) ?? 100_000;
    this.max = max;
    this.ttlMs = checkDuration(owner, 'ttlMs', options.ttlMs) ?? DEFAULT_TTL_MS;
    this.leaseMs = checkDuration(owner, 'leaseMs', options.leaseMs);
    // Room for two writes per id (claim and complete) before live ids must be evicted.
    this.ring = new Array<Entry | undefined>(2 * max);
  }

  /** Claims `replayKey` with the event id in the same step (`replayGuard`). */
  readonly guardsReplays = true;

  /**
   * Number of ids held now (claims and processed ids), for monitoring; with `replayGuard`, each
   * event's content key counts as one more (so `max` holds half as many events).
   */
  get size(): number {
    return this.entries.size;
  }

  claim(eventId: string, options: ClaimOptions): Promise<ClaimResult> {
    return Promise.resolve(this.claimNow(eventId, options));
  }

  complete(eventId: string, token: string, details?: CompleteDetails): Promise<void> {
    this.completeNow(eventId, token, details);
    return RESOLVED;
  }

  release(eventId: string, token: string): Promise<void> {
    if (!this.holds(eventId, token)) return RESOLVED;
    const pair = this.entries.get(eventId)?.pair;
    this.entries.delete(eventId);
    if (pair !== undefined && this.entries.get(pair)?.token === token) this.entries.delete(pair);
    return RESOLVED;
  }

  /**
   * The store's `claim` and `complete` without a promise (see `DedupeStore.synchronous`), which
   * the middleware then calls instead. A subclass that overrides `claim` or `complete` gets
   * `undefined`, so that its own methods are the ones called.
   */
  synchronous(): SynchronousDedupe | undefined {
    const own = MemoryDedupeStore.prototype;
    return this.claim === own.claim && this.complete === own.complete ? this.now : undefined;
  }

  /** What `claim` resolves to, at once. */
  private claimNow(eventId: string, options: ClaimOptions): ClaimResult {
    const now = Date.now();
    this.sweep(now);
    const entry = this.entries.get(eventId);
    if (entry !== undefined && entry.expiresAt > now) {
      return entry.token === undefined ? DONE : IN_FLIGHT;
    }
    const replayKey = options.event?.replayKey;
    const content = replayKey === undefined ? undefined : REPLAY + replayKey;
    if (content !== undefined) {
      const held = this.entries.get(content);
      if (held !== undefined && held.expiresAt > now && held.pair !== eventId) {
        const repeats = held.pair;
        return held.token === undefined
          ? { state: 'done', repeats }
          : { state: 'in-flight', repeats };
      }
    }
    const token = `${++this.counter}`;
    const leaseEnd = now + (this.leaseMs ?? options.leaseMs);
    this.write(eventId, token, leaseEnd, content);
    if (content !== undefined) this.write(content, token, leaseEnd, eventId);
    const version = options.event?.version;
    if (version === undefined) return { state: 'new', token };
    const newest = this.versions.get(version.key);
    const stale = newest !== undefined && newest.expiresAt > now && newest.at > version.at;
    return { state: 'new', token, stale };
  }

  /** What `complete` does, at once. */
  private completeNow(eventId: string, token: string, details?: CompleteDetails): void {
    if (!this.holds(eventId, token)) return;
    const now = Date.now();
    const pair = this.entries.get(eventId)?.pair;
    this.write(eventId, undefined, now + this.ttlMs, pair);
    if (pair !== undefined && this.entries.get(pair)?.token === token) {
      this.write(pair, undefined, now + this.ttlMs, eventId);
    }
    const version = details?.version;
    if (version !== undefined) this.processed(version.key, version.at, now);
  }

  /** Records a processed version, the newest per key, for `ttlMs`. */
  private processed(key: string, at: number, now: number): void {
    const versions = this.versions;
    const newest = versions.get(key);
    if (newest === undefined) {
      versions.set(key, { at, expiresAt: now + this.ttlMs });
      // Past `max`, the entity seen first goes: the first in the map's order.
      if (versions.size > this.max) versions.delete(versions.keys().next().value as string);
      return;
    }
    if (newest.expiresAt <= now || newest.at < at) newest.at = at;
    newest.expiresAt = now + this.ttlMs;
  }

  private holds(eventId: string, token: string): boolean {
    // An expired lease still present was taken by nobody else: its holder may still finish it.
    return this.entries.get(eventId)?.token === token;
  }

  private write(
    eventId: string,
    token: string | undefined,
    expiresAt: number,
    pair: string | undefined,
  ): void {
    if (this.used === this.ring.length) this.dropOldest();
    const slot = this.head;
    let entry = this.entries.get(eventId);
    if (entry === undefined) {
      entry = { eventId, token, expiresAt, slot, pair };
      this.entries.set(eventId, entry);
    } else {
      entry.token = token;
      entry.expiresAt = expiresAt;
      entry.slot = slot;
      entry.pair = pair;
    }
    this.ring[slot] = entry;
    this.head = (slot + 1) % this.ring.length;
    this.used += 1;
    while (this.entries.size > this.max) this.dropOldest();
  }

  /** Frees the oldest slot, and forgets its entry unless the entry was written again since. */
  private dropOldest(): void {
    const slot = this.tail;
    const entry = this.ring[slot];
    this.ring[slot] = undefined;
    this.tail = (slot + 1) % this.ring.length;
    this.used -= 1;
    // A released entry is gone from the map already, and its id may have been claimed anew.
    if (entry?.slot === slot && this.entries.get(entry.eventId) === entry) {
      this.entries.delete(entry.eventId);
    }
  }

  /** Drops stale slots and expired entries from the old end; stops at the first live one. */
  private sweep(now: number): void {
    for (let i = 0; i < 8 && this.used > 0; i++) {
      const entry = this.ring[this.tail];
      if (entry !== undefined && entry.slot === this.tail && entry.expiresAt > now) return;
      this.dropOldest();
    }
  }
}

const DONE: ClaimResult = Object.freeze({ state: 'done' });
const IN_FLIGHT: ClaimResult = Object.freeze({ state: 'in-flight' });
const RESOLVED: Promise<void> = Promise.resolve();
