import type { SchemaIssue, VioletWebhookError, VioletWebhookErrorCode } from '../errors';
import type { VioletEvent } from '../events';

/**
 * The JSON body of an answer.
 *
 * @example
 * const answer: ReceiveResponseBody = { received: true, duplicate: true };
 */
export type ReceiveResponseBody =
  | { readonly received: true; readonly duplicate?: true }
  | {
      readonly error: {
        readonly code: VioletWebhookErrorCode;
        readonly message: string;
        readonly errors?: readonly SchemaIssue[];
      };
    };

/**
 * What the pipeline answers to one delivery.
 *
 * @example
 * const result: ReceiveResult = await violet.receive({ headers: req.headers, body: req });
 * writeResult(res, result);
 */
export interface ReceiveResult {
  /** The HTTP status to answer with. */
  readonly status: number;
  /** The JSON body to answer with. */
  readonly body: ReceiveResponseBody;
  /** Headers to answer with (`Allow` on 405, `Connection: close` on 413). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The event, once the delivery was verified and validated. */
  readonly event?: VioletEvent | undefined;
  /** Why the delivery was rejected or its processing failed. */
  readonly error?: VioletWebhookError | undefined;
}

/** The answer to an accepted delivery. */
export const RECEIVED = Object.freeze({ received: true as const });
/** The answer to a delivery of an event processed already. */
export const DUPLICATE = Object.freeze({ received: true as const, duplicate: true as const });

/** The answer to a rejected delivery or a failed listener. */
export function errorResult(error: VioletWebhookError, event?: VioletEvent): ReceiveResult {
  const { code, message, errors } = error;
  const body = { error: errors === undefined ? { code, message } : { code, message, errors } };
  return { status: error.status, body, headers: error.headers, event, error };
}
