import { VioletWebhookError } from '../errors';

/** Step 6: one JSON parse of the verified bytes. */
export function parseBody(bytes: Buffer, eventType: string, eventId: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    // The parser's message quotes the body; it is not passed on.
    throw new VioletWebhookError('INVALID_JSON', 'the body is not valid JSON', {
      eventType,
      eventId,
    });
  }
}
