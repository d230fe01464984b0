/**
 * A call to Violet's API that failed: a non-2xx answer (after the retries that 429 and 5xx get),
 * or no answer at all (`status` 0). The message names the method, the path and what Violet said;
 * never a secret, a password or a token.
 *
 * @example
 * try {
 *   await admin.resend(webhookId, eventId);
 * } catch (error) {
 *   if (error instanceof VioletApiError && error.status === 404) console.log('no such delivery');
 * }
 */
export class VioletApiError extends Error {
  override readonly name = 'VioletApiError';
  /** The HTTP status, or 0 when no answer came (network error, timeout). */
  readonly status: number;
  /** Violet's `error_code`, when its answer had one (11: the token has expired). */
  readonly errorCode: number | undefined;
  readonly method: string;
  /** The path called, relative to the base URL (`/events/webhooks/12/events`). */
  readonly path: string;

  constructor(
    details: { status: number; errorCode?: number | undefined; method: string; path: string },
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.status = details.status;
    this.errorCode = details.errorCode;
    this.method = details.method;
    this.path = details.path;
  }
}
