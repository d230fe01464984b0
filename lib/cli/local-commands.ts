import { EVENT_TYPES_BY_FAMILY, VIOLET_EVENT_TYPES } from '../event-types';
import { sign } from '../signature/sign';
import { ADMIN_COMMANDS } from './admin-commands';
import { SHOW_HELP, exit, type CommandResult, type Out } from './command';
import { expectPositionals, parse } from './parse-args';
import { send } from './send-command';
import { UsageError } from './usage';

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

/** `violet-webhooks types [--json]`, or with `--remote` beside Violet's list. */
export async function typesCommand(args: readonly string[], out: Out): Promise<CommandResult> {
  if (args.includes('--remote')) return ADMIN_COMMANDS.types(args, out);
  const p = parse('types', args, [], ['json']);
  if (p.help) return SHOW_HELP;
  expectPositionals(p, 0, 'types');
  if (p.flags.has('json')) {
    const list = Object.entries(EVENT_TYPES_BY_FAMILY).flatMap(([family, types]) =>
      types.map((type) => ({ type, family })),
    );
    out(JSON.stringify(list, null, 2));
    return exit(0);
  }
  // Two spaces past the longest name, so that every line splits into two columns.
  const width = Math.max(...VIOLET_EVENT_TYPES.map((type) => type.length)) + 2;
  for (const [family, types] of Object.entries(EVENT_TYPES_BY_FAMILY)) {
    for (const type of types) out(`${type.padEnd(width)}${family}`);
  }
  return exit(0);
}

/** `violet-webhooks sign --secret S`: the signature of standard input. */
export async function signCommand(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse('sign', args, ['secret']);
  if (p.help) return SHOW_HELP;
  const secret = secretFrom(p.options.secret, 'sign');
  out(sign(await readStdin(), secret));
  return exit(0);
}

/** `violet-webhooks send <url> --type T`: posts one signed delivery and prints the answer. */
export async function sendCommand(args: readonly string[], out: Out): Promise<CommandResult> {
  const p = parse('send', args, ['type', 'secret', 'bag-id', 'sku-id', 'event-id', 'payload']);
  if (p.help) return SHOW_HELP;
  const [url] = expectPositionals(p, 1, 'send');
  if (url === undefined) throw new UsageError('the URL to post to is missing', 'send');
  const { options } = p;
  if (options.type === undefined) {
    throw new UsageError('--type is required, e.g. --type ORDER_SHIPPED', 'send');
  }
  const code = await send(
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
  return exit(code);
}
