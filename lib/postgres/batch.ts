import { defer } from '../defer';

interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the calls made during one turn of the event loop (the deliveries whose claims are due at
 * the same moment) into one call of `run`, at most `max` items each. An idle server sends each
 * call alone, as soon as the turn ends; a busy one sends a statement per turn instead of one per
 * delivery. A failure of `run` rejects every call of its batch.
 */
export class Batcher<I, O> {
  private pending: Array<Waiting<I, O>> = [];

  constructor(
    private readonly run: (items: I[]) => Promise<readonly O[]>,
    private readonly max = 100,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.pending.length === 0) defer(() => this.flush());
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.max) this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.run(batch.map((w) => w.item)).then(
      (outcomes) => {
        batch.forEach((w, i) => w.resolve(outcomes[i] as O));
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  }
}

/**
 * The order in which a batch's rows are locked: by key, so that two instances' statements over
 * the same events lock them in the same order and never wait for each other in a cycle.
 */
export function lockOrder<T>(items: readonly T[], key: (item: T) => string): number[] {
  return items
    .map((_, i) => i)
    .sort((a, b) => {
      const x = key(items[a] as T);
      const y = key(items[b] as T);
      return x < y ? -1 : x > y ? 1 : a - b;
    });
}
