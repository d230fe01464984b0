import {
  checkDuration,
  DEFAULT_TTL_MS,
  type ClaimOptions,
  type ClaimResult,
  type DedupeStore,
} from './dedupe-store';

/** Options of {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** Most event ids kept; the oldest are forgotten first. Default 100,000. */
  max?: number | undefined;
  /** How long a processed id is remembered. Default 25 hours (Violet retries for 24). */
  ttlMs?: number | undefined;
  /** How long a claim lives without its holder finishing. Default: what the middleware asks. */
  leaseMs?: number | undefined;
}

interface Entry {
  token: string | undefined; // undefined once done
  expiresAt: number;
}

/**
 * The default store: one process's memory, bounded in entries and in time. O(1) per operation
 * and no timer per entry: expired entries are dropped as they are met, oldest first.
 * Use {@link RedisDedupeStore} when several instances of the app receive webhooks.
 *
 * @example
 * const violet = violetWebhooks({ secret, dedupe: new MemoryDedupeStore({ max: 50_000 }) });
 */
export class MemoryDedupeStore implements DedupeStore {
  private readonly entries = new Map<string, Entry>();
  private readonly max: number;
  private readonly ttlMs: number;
  private readonly leaseMs: number | undefined;
  private counter = 0;

  constructor(options: MemoryDedupeStoreOptions = {}) {
    const max = options.max ?? 100_000;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new TypeError(
        'express-violet-webhooks: MemoryDedupeStore max must be a positive whole number',
      );
    }
    this.max = max;
    this.ttlMs = checkDuration('MemoryDedupeStore ttlMs', options.ttlMs) ?? DEFAULT_TTL_MS;
    this.leaseMs = checkDuration('MemoryDedupeStore leaseMs', options.leaseMs);
  }

  /** Number of ids held now (claims and processed ids), for monitoring. */
  get size(): number {
    return this.entries.size;
  }

  claim(eventId: string, options: ClaimOptions): Promise<ClaimResult> {
    const now = Date.now();
    this.sweep(now);
    const entry = this.entries.get(eventId);
    if (entry !== undefined && entry.expiresAt > now) {
      return Promise.resolve(entry.token === undefined ? DONE : IN_FLIGHT);
    }
    const token = `${++this.counter}`;
    this.write(eventId, { token, expiresAt: now + (this.leaseMs ?? options.leaseMs) });
    return Promise.resolve({ state: 'new', token });
  }

  complete(eventId: string, token: string): Promise<void> {
    if (this.holds(eventId, token)) {
      this.write(eventId, { token: undefined, expiresAt: Date.now() + this.ttlMs });
    }
    return RESOLVED;
  }

  release(eventId: string, token: string): Promise<void> {
    if (this.holds(eventId, token)) this.entries.delete(eventId);
    return RESOLVED;
  }

  private holds(eventId: string, token: string): boolean {
    const entry = this.entries.get(eventId);
    // An expired lease still present was taken by nobody else: its holder may still finish it.
    return entry !== undefined && entry.token === token;
  }

  /** Re-inserts so that Map order stays oldest-write first, then trims to `max`. */
  private write(eventId: string, entry: Entry): void {
    this.entries.delete(eventId);
    this.entries.set(eventId, entry);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  /** Drops expired entries from the old end; stops at the first live one (amortised O(1)). */
  private sweep(now: number): void {
    for (let i = 0; i < 8; i++) {
      const first = this.entries.entries().next();
      if (first.done === true || first.value[1].expiresAt > now) return;
      this.entries.delete(first.value[0]);
    }
  }
}

const DONE: ClaimResult = Object.freeze({ state: 'done' });
const IN_FLIGHT: ClaimResult = Object.freeze({ state: 'in-flight' });
const RESOLVED: Promise<void> = Promise.resolve();
