import type { KeyObject } from 'node:crypto';
import createDebug from 'debug';
import { VioletWebhookError, isVioletWebhookError } from '../errors';
import type { VioletEvent } from '../events';
import type { ResolvedOptions } from '../options';
import { secretKey } from '../signature/hmac';
import { buildEvent } from './build-event';
import { checkIds } from './check-ids';
import { checkRequest } from './check-request';
import { claimEvent, settleClaim, type Claim } from './claim-event';
import type { Delivery } from './delivery';
import { Dispatcher, type ListenerRegistry } from './dispatch';
import { parseBody } from './parse-body';
import { readBody } from './read-body';
import { readHeaders } from './read-headers';
import { DUPLICATE, RECEIVED, errorResult, type ReceiveResult } from './result';
import { assertValid, createValidator, type PayloadValidator } from './validate-payload';
import { verifyDeliverySignature } from './verify-delivery-signature';

const debug = createDebug('violet-webhooks:receive');

/** Where the adapter wants the event as soon as it exists (Express's `req`). */
export interface EventHolder {
  violet?: VioletEvent;
}
const TIMED_OUT = Symbol('timed out');

/**
 * The whole pipeline, independent of any framework; docs/pipeline.md walks through its steps,
 * numbered as in the comments below. One instance per middleware; nothing here is per request
 * but the delivery's own state.
 */
export class Pipeline {
  private readonly validate: PayloadValidator | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly keys: readonly KeyObject[];

  constructor(
    private readonly options: ResolvedOptions,
    private readonly listeners: ListenerRegistry,
  ) {
    this.validate = options.validation === 'strict' ? createValidator(options.schemas) : undefined;
    this.dispatcher = new Dispatcher(listeners);
    this.keys = options.secrets.map(secretKey);
  }

  /** To be called whenever listeners are added or removed. */
  listenersChanged(): void {
    this.dispatcher.invalidate();
  }

  /**
   * Runs one delivery to its answer. Resolves for everything a sender can send or do, a body
   * stream that fails included; rejects only on a fault of this package. The event is put on
   * `holder.violet` before any listener runs.
   */
  async run(delivery: Delivery, holder?: EventHolder): Promise<ReceiveResult> {
    const started = debug.enabled ? performance.now() : 0;
    const receivedAt = new Date();
    let event: VioletEvent | undefined;
    try {
      const { headers } = delivery;
      // 1-2. Method and content type.
      checkRequest(delivery.method ?? 'POST', headers);
      // 3. The body: counted against the limit, hashed and decoded as it arrives.
      const raw = await readBody(delivery.body, headers, this.options.limit, this.keys);
      // 4. The signature, against the digests of step 3.
      const secretIndex = verifyDeliverySignature(headers, raw.digests);
      // 5. The x-violet-* headers.
      const h = readHeaders(headers);
      const eventType = h.type ?? h.rawType;
      // 6. JSON, then the topic.
      const payload = parseBody(raw.text, eventType, h.eventId);
      if (h.type === undefined && this.options.unknownTopics === 'reject') {
        throw new VioletWebhookError(
          'UNKNOWN_TOPIC',
          `${h.rawType} is not an event type this package knows`,
          { eventType, eventId: h.eventId },
        );
      }
      if (h.type !== undefined) {
        // 7. The schema, then the ids the event is built from (also with validation 'off').
        if (this.validate !== undefined) {
          assertValid(this.validate(h.type, payload), eventType, h.eventId);
        }
        checkIds(h, payload);
      }
      // 8. The event, on `req.violet` from here on (a duplicate's answer carries it too).
      event = buildEvent(h, payload, secretIndex, receivedAt);
      if (holder !== undefined) holder.violet = event;
      // 9. The claim on the event id.
      const store = this.options.dedupe;
      const claim = store && (await claimEvent(store, eventType, h.eventId, this.options.leaseMs));
      if (claim === 'done') {
        debug('duplicate %s %s', eventType, h.eventId);
        return { status: 200, body: DUPLICATE, event };
      }
      // 10-11. The listeners, and the answer.
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
      return errorResult(error, event);
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
    if (this.listeners.listenerCount('error') === 0) return;
    try {
      this.listeners.emit('error', error);
    } catch (thrown) {
      debug('an error listener threw: %s', thrown instanceof Error ? thrown.name : typeof thrown);
    }
  }
}
