import { parseArgs } from 'node:util';
import { UsageError, type CommandName } from './usage';

/** A command's arguments, parsed. */
export interface Parsed {
  help: boolean;
  options: Partial<Record<string, string>>;
  flags: ReadonlySet<string>;
  positionals: string[];
}

/** Parses a command's arguments: `strings` take a value, `flags` do not. Unknown ones are usage errors. */
export function parse(
  command: CommandName,
  args: readonly string[],
  strings: readonly string[],
  flags: readonly string[] = [],
): Parsed {
  const options = {
    ...Object.fromEntries(strings.map((name) => [name, { type: 'string' as const }])),
    ...Object.fromEntries(flags.map((name) => [name, { type: 'boolean' as const }])),
    help: { type: 'boolean' as const, short: 'h' },
  };
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: true });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const { positionals } = parsed;
    const set = new Set(flags.filter((name) => values[name] === true));
    const texts = Object.fromEntries(
      strings
        .filter((name) => typeof values[name] === 'string')
        .map((name) => [name, values[name]]),
    ) as Partial<Record<string, string>>;
    return { help: values.help === true, options: texts, flags: set, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command);
  }
}

/** The positionals a command takes, no more; throws a usage error naming the first extra one. */
export function expectPositionals(parsed: Parsed, count: number, command: CommandName): string[] {
  const extra = parsed.positionals[count];
  if (extra !== undefined) throw new UsageError(`unexpected argument: ${extra}`, command);
  return parsed.positionals;
}

/** `30m`, `24h`, `3d`, or a date: the moment that far back. */
export function since(value: string, command: CommandName): Date {
  const match = /^(\d+)([smhd])$/.exec(value);
  const unit = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };
  const ms = match
    ? Date.now() - Number(match[1]) * unit[match[2] as keyof typeof unit]
    : Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new UsageError(`--since must be like 30m, 24h, 3d or a date, not ${value}`, command);
  }
  return new Date(ms);
}

/** `90d`, `48h`, `30m`: a length of time, in milliseconds. */
export function duration(value: string, option: string, command: CommandName): number {
  const match = /^(\d+)([smhd])$/.exec(value);
  const unit = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };
  const ms = match ? Number(match[1]) * unit[match[2] as keyof typeof unit] : NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new UsageError(`${option} must be like 48h or 30d, not ${value}`, command);
  }
  return ms;
}
