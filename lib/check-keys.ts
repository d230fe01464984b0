import { optionError } from './check-option';

/** How many single-letter edits apart two names are (Levenshtein), to suggest a misspelt one. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known name a misspelt one most likely meant, if one is close enough. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const name of known) {
    const d = distance(key, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Refuses an option object with a key that is not one of `known`: a misspelt option would
 * otherwise be ignored silently (`{ attempts: 2 }` where retries are set in
 * `jobOptions.attempts`). The TypeError names the key and what to write instead: where it
 * belongs, from `elsewhere`, else the closest known name, else the known names. `owner` is as for
 * `optionError`: empty for the package's own factory.
 *
 * @example
 * checkKeys('bullmqQueue', options, ['connection', 'name'], { attempts: 'it goes in `jobOptions.attempts`' });
 */
export function checkKeys(
  owner: string,
  options: object,
  known: readonly string[],
  elsewhere: Readonly<Record<string, string>> = {},
  /** Where `options` sits in the options, as in `jobOptions.`. */
  path = '',
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const place = Object.hasOwn(elsewhere, key) ? elsewhere[key] : undefined;
    const near = closest(key, known);
    const hint =
      place !== undefined
        ? `; ${place}`
        : near !== undefined
          ? `; did you mean \`${near}\`?`
          : ` (known: ${known.join(', ')})`;
    optionError(owner, path + key, `is not an option${hint}`);
  }
}
