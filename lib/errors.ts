/** Every error code the package answers with, and the HTTP status that goes with it. */
export const ERROR_STATUS = {
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  BODY_STREAM_FAILED: 400,
  BODY_ALREADY_PARSED: 500,
  MISSING_SIGNATURE: 401,
  INVALID_SIGNATURE: 401,
  MISSING_HEADER: 400,
  INVALID_HEADER: 400,
  INVALID_JSON: 400,
  UNKNOWN_TOPIC: 400,
  SCHEMA_MISMATCH: 422,
  DUPLICATE_IN_FLIGHT: 409,
  DEDUPE_UNAVAILABLE: 503,
  LISTENER_FAILED: 500,
  LISTENER_TIMEOUT: 503,
  QUEUE_UNAVAILABLE: 503,
  /** A worker's job failed for good: its last attempt, or BullMQ failed it (no answer goes with it). */
  RETRIES_EXHAUSTED: 500,
} as const;

/**
 * A machine-readable reason for a rejected delivery or a failed listener.
 *
 * @example
 * const retried: VioletWebhookErrorCode[] = ['LISTENER_FAILED', 'LISTENER_TIMEOUT'];
 */
export type VioletWebhookErrorCode = keyof typeof ERROR_STATUS;

/**
 * One problem found by JSON Schema validation; `path` is a JSON Pointer into the body.
 *
 * @example
 * violet.on('error', (err) => err.errors?.forEach((issue) => log(issue.path, issue.message)));
 */
export interface SchemaIssue {
  /** JSON Pointer to the failing value, `''` for the body itself. */
  readonly path: string;
  /** The JSON Schema keyword that failed (`type`, `required`, ...). */
  readonly keyword: string;
  /** What is wrong, without the value itself. */
  readonly message: string;
}

/** Extra facts attached to a {@link VioletWebhookError}. */
export interface VioletWebhookErrorDetails {
  eventType?: string | undefined;
  eventId?: string | undefined;
  cause?: unknown;
  errors?: readonly SchemaIssue[] | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
  attempt?: number | undefined;
}

/** Marks the package's errors, so that a second copy of the package recognises them too. */
const BRAND = Symbol.for('express-violet-webhooks.VioletWebhookError');

/**
 * The error class of the package: a rejected delivery or a failed listener.
 * It has the shape of http-errors (`status`, `statusCode`, `expose`, `headers`), so Express's
 * default error handler answers it correctly when the middleware runs with `respond: false`.
 *
 * @example
 * violet.on('error', (err) => {
 *   if (err.code === 'LISTENER_FAILED') alert(err.eventType, err.cause);
 * });
 */
export class VioletWebhookError extends Error {
  override readonly name: string = 'VioletWebhookError';
  readonly code: VioletWebhookErrorCode;
  readonly status: number;
  /** True for 4xx: the message is safe to show to the sender. */
  readonly expose: boolean;
  readonly eventType: string | undefined;
  readonly eventId: string | undefined;
  /** With `SCHEMA_MISMATCH`: where the body does not match its schema. */
  readonly errors: readonly SchemaIssue[] | undefined;
  /** Response headers that belong to this answer (`Allow` on 405). */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** In a queue's worker: which attempt of the job failed (1 for the first). */
  readonly attempt: number | undefined;

  constructor(
    code: VioletWebhookErrorCode,
    message: string,
    details: VioletWebhookErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.expose = this.status < 500;
    this.eventType = details.eventType;
    this.eventId = details.eventId;
    this.errors = details.errors;
    this.headers = details.headers;
    this.attempt = details.attempt;
  }

  /** Alias of `status`, as http-errors and Express's finalhandler read it. */
  get statusCode(): number {
    return this.status;
  }
}
Object.defineProperty(VioletWebhookError.prototype, BRAND, { value: true });

/**
 * The body could not be read to its end: the sender aborted or reset the connection, sent fewer
 * bytes than its `Content-Length`, or the stream or iterable given to `receive()` failed. Code
 * `BODY_STREAM_FAILED`, status 400; `cause` holds the stream's own error. Nothing was verified
 * or processed, and the connection is usually gone, so the answer is rarely read: `receive()`
 * resolves with it rather than rejecting, so that no client can crash a server.
 *
 * @example
 * violet.on('error', (err) => {
 *   if (err instanceof BodyStreamError) metrics.increment('violet.aborted');
 * });
 */
export class BodyStreamError extends VioletWebhookError {
  override readonly name = 'BodyStreamError';

  constructor(message: string, cause?: unknown) {
    super('BODY_STREAM_FAILED', message, { cause });
  }
}

/**
 * Narrows an unknown value to a {@link VioletWebhookError}.
 *
 * @example
 * app.use((err, req, res, next) => {
 *   if (isVioletWebhookError(err)) return res.status(err.status).json({ code: err.code });
 *   next(err);
 * });
 */
export function isVioletWebhookError(value: unknown): value is VioletWebhookError {
  // Not only instanceof: with two copies of the package installed (one a dependency of another
  // library), an error made by one copy is not an instance of the other copy's class.
  return (
    value instanceof VioletWebhookError ||
    (value instanceof Error && (value as unknown as Record<symbol, unknown>)[BRAND] === true)
  );
}
