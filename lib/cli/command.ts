/** Where a command prints, a line at a time. */
export type Out = (line: string) => void;

/** What a command asks for when it is done: its help shown, or the process to exit with a code. */
export type CommandResult = { readonly help: true } | { readonly exitCode: 0 | 1 | 2 };

/** The result of `--help`: main prints the command's help and exits 0. */
export const SHOW_HELP: CommandResult = Object.freeze({ help: true });

/** The result of a command that ran: 0 success, 1 an API or check failure, 2 a usage error. */
export const exit = (exitCode: 0 | 1 | 2): CommandResult => ({ exitCode });

/** One command of `violet-webhooks`: its arguments (after its name) to its result. */
export type Command = (args: readonly string[], out: Out) => Promise<CommandResult>;
