/** Help texts of the `violet-webhooks` command, one per subcommand. */
export const HELP = {
  main: `Usage: violet-webhooks <command> [options]

Send and sign Violet webhook deliveries, to try a receiver by hand.

Commands:
  send <url>   post a signed delivery and print the answer
  sign         sign standard input and print the signature
  types        list the event types this package knows

Run 'violet-webhooks <command> --help' for a command's options.
The secret may come from VIOLET_APP_SECRET instead of --secret, to keep it out of shell history.`,
  send: `Usage: violet-webhooks send <url> --type TYPE [--secret SECRET] [options]

Posts a delivery signed as Violet signs it (a realistic sample body unless --payload is given),
prints the status and body of the answer, and exits 1 when the answer is not 2xx.

Options:
  --type TYPE         event type, e.g. ORDER_SHIPPED (see 'violet-webhooks types')
  --secret SECRET     app secret (default: $VIOLET_APP_SECRET)
  --bag-id N          x-violet-bag-id (default for order events: the first bag of the body)
  --sku-id N          x-violet-sku-id
  --event-id ID       x-violet-event-id (default: a new id; repeat one to send a duplicate)
  --payload FILE      the body, a JSON file sent byte for byte (default: a sample of TYPE)
  -h, --help          this help`,
  sign: `Usage: violet-webhooks sign [--secret SECRET] < body.json

Prints the x-violet-hmac signature of standard input, byte for byte.

Options:
  --secret SECRET     app secret (default: $VIOLET_APP_SECRET)
  -h, --help          this help`,
  types: `Usage: violet-webhooks types

Lists every event type this package knows, one per line, with its family.`,
} as const;

/** A mistake in how the command was called: exit code 2 and the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command: keyof typeof HELP,
  ) {
    super(message);
  }
}
