import { VioletWebhookError } from '../errors';
import type { VioletEvent } from '../events';
import { buildEvent } from './build-event';
import { checkIds } from './check-ids';
import type { HeaderMap } from './delivery';
import { parseBody } from './parse-body';
import { readHeaders, type DeliveryHeaders } from './read-headers';
import { assertValid, type PayloadValidator } from './validate-payload';

/** A verified body and what came with it. */
export interface VerifiedBody {
  readonly headers: HeaderMap;
  readonly text: string;
  readonly secretIndex: number;
  readonly receivedAt: Date;
}

/** What the checks of steps 6 and 7 are, as the middleware or a worker is configured. */
export interface EventRules {
  readonly validate: PayloadValidator | undefined;
  readonly unknownTopics: 'accept' | 'reject';
}

/**
 * Steps 5 to 8, from a verified body to the typed event: the same code for the middleware and
 * for a queue's worker, which rebuilds the event from the job.
 */
export function eventFromBody(
  body: VerifiedBody,
  rules: EventRules,
): { headers: DeliveryHeaders; event: VioletEvent } {
  // 5. The x-violet-* headers.
  const h = readHeaders(body.headers);
  const eventType = h.type ?? h.rawType;
  // 6. JSON, then the topic.
  const payload = parseBody(body.text, eventType, h.eventId);
  if (h.type === undefined && rules.unknownTopics === 'reject') {
    throw new VioletWebhookError(
      'UNKNOWN_TOPIC',
      `${h.rawType} is not an event type this package knows`,
      { eventType, eventId: h.eventId },
    );
  }
  if (h.type !== undefined) {
    // 7. The schema, then the ids the event is built from (also with validation 'off').
    if (rules.validate !== undefined) {
      assertValid(rules.validate(h.type, payload), eventType, h.eventId);
    }
    checkIds(h, payload);
  }
  // 8. The event.
  return { headers: h, event: buildEvent(h, payload, body.secretIndex, body.receivedAt) };
}
