import { VioletWebhookError } from '../errors';

/** Step 6: one JSON parse of the verified body's text. */
export function parseBody(text: string, eventType: string, eventId: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the body; it is not passed on.
    throw new VioletWebhookError('INVALID_JSON', 'the body is not valid JSON', {
      eventType,
      eventId,
    });
  }
}
