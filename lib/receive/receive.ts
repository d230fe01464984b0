import type { KeyObject } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import createDebug from 'debug';
import {
  VioletWebhookError,
  isVioletWebhookError,
  type SchemaIssue,
  type VioletWebhookErrorCode,
} from '../errors';
import type { VioletEvent } from '../events';
import type { ResolvedOptions } from '../options';
import { secretKey } from '../signature/hmac';
import { buildEvent } from './build-event';
import { checkRequest } from './check-request';
import { claimEvent, settleClaim, type Claim } from './claim-event';
import type { Delivery } from './delivery';
import { Dispatcher } from './dispatch';
import { parseBody } from './parse-body';
import { readBody } from './read-body';
import { readHeaders } from './read-headers';
import { assertValid, createValidator, type PayloadValidator } from './validate-payload';
import { verifyDeliverySignature } from './verify-signature';

const debug = createDebug('violet-webhooks:receive');

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
 * const { status, body, headers } = await violet.receive({ headers: req.headers, body: req });
 * const text = JSON.stringify(body);
 * res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
 * res.end(text);
 */
export interface ReceiveResult {
  /** The HTTP status to answer with. */
  readonly status: number;
  /** The JSON body to answer with. */
  readonly body: ReceiveResponseBody;
  /** Headers to answer with (`Allow` on 405). */
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

/** Where the adapter wants the event as soon as it exists (Express's `req`). */
export interface EventHolder {
  violet?: VioletEvent;
}
const TIMED_OUT = Symbol('timed out');

/**
 * The whole pipeline, independent of any framework: bytes, signature, headers, JSON, schema,
 * claim, event, listeners, answer. One instance per middleware; nothing here is per request
 * but the delivery's own state.
 */
export class Pipeline {
  private readonly validate: PayloadValidator | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly keys: readonly KeyObject[];

  constructor(
    private readonly options: ResolvedOptions,
    private readonly emitter: EventEmitter,
  ) {
    this.validate = options.validation === 'strict' ? createValidator(options.schemas) : undefined;
    this.dispatcher = new Dispatcher(emitter);
    this.keys = options.secrets.map(secretKey);
  }

  /** To be called whenever listeners are added or removed. */
  listenersChanged(): void {
    this.dispatcher.invalidate();
  }

  /**
   * Runs one delivery to its answer. Rejects only when the body stream itself fails. The event
   * is put on `holder.violet` before any listener runs.
   */
  async run(delivery: Delivery, holder?: EventHolder): Promise<ReceiveResult> {
    const started = debug.enabled ? performance.now() : 0;
    const receivedAt = new Date();
    let event: VioletEvent | undefined;
    try {
      const { headers } = delivery;
      checkRequest(delivery.method ?? 'POST', headers);
      const raw = await readBody(delivery.body, headers, this.options.limit, this.keys);
      const secretIndex = verifyDeliverySignature(headers, raw.digests);
      const h = readHeaders(headers);
      const eventType = h.type ?? h.rawType;
      const payload = parseBody(raw.text, eventType, h.eventId);
      if (h.type === undefined && this.options.unknownTopics === 'reject') {
        throw new VioletWebhookError(
          'UNKNOWN_TOPIC',
          `${h.rawType} is not an event type this package knows`,
          {
            eventType,
            eventId: h.eventId,
          },
        );
      }
      if (h.type !== undefined && this.validate !== undefined) {
        assertValid(this.validate(h.type, payload), eventType, h.eventId);
      }
      event = buildEvent(h, payload, secretIndex, receivedAt);
      if (holder !== undefined) holder.violet = event;
      const store = this.options.dedupe;
      const claim = store && (await claimEvent(store, eventType, h.eventId, this.options.leaseMs));
      if (claim === 'done') {
        debug('duplicate %s %s', eventType, h.eventId);
        return { status: 200, body: DUPLICATE, event };
      }
      const result = await this.process(event, claim || undefined);
      if (debug.enabled) {
        debug(
          'dispatched %s %s in %dms',
          eventType,
          h.eventId,
          Math.round(performance.now() - started),
        );
      }
      return result;
    } catch (error) {
      if (!isVioletWebhookError(error)) throw error;
      this.report(error);
      return { status: error.status, body: errorBody(error), headers: error.headers, event, error };
    }
  }

  private async process(event: VioletEvent, claim: Claim | undefined): Promise<ReceiveResult> {
    if (this.options.ack === 'immediate') {
      // Answer first: listeners start on the next turn of the event loop.
      setImmediate(() => this.finishLater(event, claim, this.dispatcher.dispatch(event)));
      return { status: 200, body: RECEIVED, event };
    }
    const outcome = this.dispatcher.dispatch(event);
    if (outcome === undefined) return this.succeed(event, claim);
    const failure = await this.withinDeadline(outcome);
    if (failure === TIMED_OUT) {
      this.finishLater(event, claim, outcome);
      throw new VioletWebhookError(
        'LISTENER_TIMEOUT',
        `listeners of ${event.type} did not finish within ${this.options.timeout} ms; processing goes on, and Violet's retry will find its outcome`,
        { eventType: event.type, eventId: event.id },
      );
    }
    if (failure !== undefined) {
      this.reportIf(await settleClaim(claim, false, event.type));
      throw failure;
    }
    return this.succeed(event, claim);
  }

  /** Undefined when `outcome` succeeds in time, its error when it fails, TIMED_OUT otherwise. */
  private withinDeadline(outcome: Promise<void>): Promise<unknown> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.timeout, TIMED_OUT);
      outcome.then(
        () => {
          clearTimeout(timer);
          resolve(undefined);
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve(error);
        },
      );
    });
  }

  private async succeed(event: VioletEvent, claim: Claim | undefined): Promise<ReceiveResult> {
    // The work is done: a store failure now is reported, but the answer stays 200.
    this.reportIf(await settleClaim(claim, true, event.type));
    return { status: 200, body: RECEIVED, event };
  }

  /** Completes or releases the claim once listeners settle, after the answer has gone. */
  private finishLater(
    event: VioletEvent,
    claim: Claim | undefined,
    outcome: Promise<void> | undefined,
  ): void {
    const settled = outcome ?? Promise.resolve();
    settled.then(
      async () => this.reportIf(await settleClaim(claim, true, event.type)),
      async (error: unknown) => {
        if (isVioletWebhookError(error)) this.report(error);
        this.reportIf(await settleClaim(claim, false, event.type));
      },
    );
  }

  private reportIf(error: VioletWebhookError | undefined): void {
    if (error !== undefined) this.report(error);
  }

  /** Logs and emits `'error'`, only when someone listens: an unheard `'error'` would crash. */
  private report(error: VioletWebhookError): void {
    debug(
      'rejected %s (%d) %s %s',
      error.code,
      error.status,
      error.eventType ?? '-',
      error.eventId ?? '-',
    );
    if (this.emitter.listenerCount('error') === 0) return;
    try {
      this.emitter.emit('error', error);
    } catch (thrown) {
      debug('an error listener threw: %s', thrown instanceof Error ? thrown.name : typeof thrown);
    }
  }
}

function errorBody(error: VioletWebhookError): ReceiveResponseBody {
  const { code, message, errors } = error;
  return { error: errors === undefined ? { code, message } : { code, message, errors } };
}
