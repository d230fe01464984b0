#!/usr/bin/env node
import { EVENT_TYPES_BY_FAMILY, VIOLET_EVENT_TYPES } from '../event-types';
import { sign } from '../signature/sign';
import { ADMIN_COMMANDS } from './admin-commands';
import { parse } from './parse-args';
import { queueCommand } from './queue-command';
import { send } from './send-command';
import { HELP, UsageError } from './usage';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

function secretFrom(value: string | undefined, command: 'send' | 'sign'): string {
  const secret = value ?? process.env.VIOLET_APP_SECRET;
  if (secret === undefined || secret === '') {
    throw new UsageError(
      'a secret is needed: --secret SECRET, or VIOLET_APP_SECRET in the environment',
      command,
    );
  }
  return secret;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A command's exit code, or its help (and 0) when it was asked for with --help. */
function helpOr(code: number, command: keyof typeof HELP): number {
  if (code !== -1) return code;
  out(HELP[command]);
  return 0;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(HELP.main);
    return command === undefined ? 2 : 0;
  }
  try {
    if (command === 'queue') return helpOr(await queueCommand(rest, out), 'queue');
    if (command === 'types' && rest.includes('--remote')) {
      return helpOr(await ADMIN_COMMANDS.types(rest, out), 'types');
    }
    if (command !== 'types' && command in ADMIN_COMMANDS) {
      const name = command as keyof typeof ADMIN_COMMANDS;
      return helpOr(await ADMIN_COMMANDS[name](rest, out), name);
    }
    if (command === 'types') {
      const { help, positionals, flags } = parse('types', rest, [], ['json']);
      if (help) return (out(HELP.types), 0);
      if (positionals.length > 0)
        throw new UsageError(`unexpected argument: ${positionals[0]}`, 'types');
      if (flags.has('json')) {
        const list = Object.entries(EVENT_TYPES_BY_FAMILY).flatMap(([family, types]) =>
          types.map((type) => ({ type, family })),
        );
        return (out(JSON.stringify(list, null, 2)), 0);
      }
      // Two spaces past the longest name, so that every line splits into two columns.
      const width = Math.max(...VIOLET_EVENT_TYPES.map((type) => type.length)) + 2;
      for (const [family, types] of Object.entries(EVENT_TYPES_BY_FAMILY)) {
        for (const type of types) out(`${type.padEnd(width)}${family}`);
      }
      return 0;
    }
    if (command === 'sign') {
      const { help, options } = parse('sign', rest, ['secret']);
      if (help) return (out(HELP.sign), 0);
      const secret = secretFrom(options.secret, 'sign');
      out(sign(await readStdin(), secret));
      return 0;
    }
    if (command === 'send') {
      const { help, options, positionals } = parse('send', rest, [
        'type',
        'secret',
        'bag-id',
        'sku-id',
        'event-id',
        'payload',
      ]);
      if (help) return (out(HELP.send), 0);
      const [url, ...extra] = positionals;
      if (url === undefined) throw new UsageError('the URL to post to is missing', 'send');
      if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`, 'send');
      if (options.type === undefined)
        throw new UsageError('--type is required, e.g. --type ORDER_SHIPPED', 'send');
      return await send(
        {
          url,
          type: options.type,
          secret: secretFrom(options.secret, 'send'),
          bagId: options['bag-id'],
          skuId: options['sku-id'],
          eventId: options['event-id'],
          payloadFile: options.payload,
        },
        out,
      );
    }
    throw new UsageError(`unknown command: ${command}`, 'main');
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`violet-webhooks: ${error.message}\n\n${HELP[error.command]}\n`);
      return 2;
    }
    // An API failure's message names the call and Violet's answer, never a secret or token.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`violet-webhooks: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  // `violet-webhooks types | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
