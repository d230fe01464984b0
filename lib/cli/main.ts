#!/usr/bin/env node
import { ADMIN_COMMANDS } from './admin-commands';
import type { Command } from './command';
import { sendCommand, signCommand, typesCommand } from './local-commands';
import { eventsCommand, postgresCommand } from './postgres-commands';
import { queueCommand } from './queue-command';
import { HELP, UsageError, type CommandName } from './usage';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** Every command, by the name it is called with. */
const COMMANDS: Record<Exclude<CommandName, 'main'>, Command> = {
  send: sendCommand,
  sign: signCommand,
  types: typesCommand,
  queue: queueCommand,
  postgres: postgresCommand,
  events: eventsCommand,
  subscribe: ADMIN_COMMANDS.subscribe,
  subscriptions: ADMIN_COMMANDS.subscriptions,
  deliveries: ADMIN_COMMANDS.deliveries,
  resend: ADMIN_COMMANDS.resend,
  recover: ADMIN_COMMANDS.recover,
};

const isCommand = (name: string): name is keyof typeof COMMANDS => Object.hasOwn(COMMANDS, name);

/** An error's message under the command's own prefix: the package's is left out, not doubled. */
const said = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(
    /^(?:express-violet-webhooks|violet-webhooks): /,
    '',
  );

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(HELP.main);
    return command === undefined ? 2 : 0;
  }
  try {
    if (!isCommand(command)) throw new UsageError(`unknown command: ${command}`, 'main');
    const result = await COMMANDS[command](rest, out);
    if ('help' in result) {
      out(HELP[command]);
      return 0;
    }
    return result.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`violet-webhooks: ${said(error)}\n\n${HELP[error.command]}\n`);
      return 2;
    }
    // An API failure's message names the call and Violet's answer, never a secret or token.
    process.stderr.write(`violet-webhooks: ${said(error)}\n`);
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
