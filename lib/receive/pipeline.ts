import type { KeyObject } from 'node:crypto';
import createDebug from 'debug';
import { defer } from '../defer';
import { VioletWebhookError, isVioletWebhookError } from '../errors';
import type { VioletEvent } from '../events';
import type { DedupeStore, SynchronousDedupe } from '../dedupe/dedupe-store';
import type { VioletEventType } from '../event-types';
import { secretKey } from '../signature/hmac';
import { setStale } from './build-event';
import { checkRequest } from './check-request';
import {
  claimEvent,
  claimEventNow,
  completeNow,
  isDuplicate,
  settleClaim,
  type Claim,
  type ClaimSettings,
  type Ordering,
} from './claim-event';
import type { Delivery } from './delivery';
import { Dispatcher, type ListenerRegistry } from './dispatch';
import type { DeliveryQueue } from './delivery-queue';
import { emitError } from './emit-error';
import { eventFromBody, type EventRules } from './event-from-body';
import { readBody } from './read-body';
import { replayKey } from './replay-key';
import type { DeliveryTelemetry, Telemetry } from './telemetry';
import { DUPLICATE, RECEIVED, errorResult, type ReceiveResult } from './result';
import { TIMED_OUT, settleWithin } from './settle-within';
import { createValidator, type JsonSchema } from './validate-payload';
import { verifyDeliverySignature } from './verify-delivery-signature';

const debug = createDebug('violet-webhooks:receive');

/** What the pipeline reads of the configuration, checked and with every default filled in. */
export interface PipelineConfig {
  readonly secrets: readonly string[];
  readonly limit: number;
  readonly validation: 'strict' | 'off';
  readonly schemas: ReadonlyMap<VioletEventType, JsonSchema>;
  readonly dedupe: DedupeStore | undefined;
  readonly timeout: number;
  readonly leaseMs: number;
  readonly ack: 'after-listeners' | 'immediate';
  readonly unknownTopics: 'accept' | 'reject';
  readonly ordering: Ordering;
  /** Also a duplicate: the same content (type, bag, SKU, signature) under another event id. */
  readonly replayGuard: boolean;
  readonly queue: DeliveryQueue | undefined;
  readonly telemetry: Telemetry | undefined;
  /** Where work after the answer goes when the delivery brings no `waitUntil` of its own. */
  readonly waitUntil?: ((work: Promise<unknown>) => void) | undefined;
}

/** What an adapter does with the event as soon as it exists (Express's sets `req.violet`). */
export type EventCallback = (event: VioletEvent) => void;

/** Ends a delivery's telemetry; a telemetry that throws never changes the answer. */
function endTelemetry(t: DeliveryTelemetry, result: ReceiveResult): void {
  try {
    t.end(result);
  } catch (error) {
    debug('telemetry failed: %s', error instanceof Error ? error.name : typeof error);
  }
}

/**
 * The whole pipeline, independent of any framework; docs/pipeline.md walks through its steps,
 * numbered as in the comments below. One instance per middleware; nothing here is per request
 * but the delivery's own state.
 */
export class Pipeline {
  private readonly rules: EventRules;
  private readonly dispatcher: Dispatcher;
  private readonly keys: readonly KeyObject[];
  private readonly queue: DeliveryQueue | undefined;
  /** The store's claim and completion without a promise, when it offers them (the memory store). */
  private readonly now: SynchronousDedupe | undefined;
  /** What every claim is taken with; with `replayGuard`, each delivery adds its content key. */
  private readonly claimSettings: ClaimSettings;

  constructor(
    private readonly options: PipelineConfig,
    private readonly listeners: ListenerRegistry,
  ) {
    this.rules = {
      validate: options.validation === 'strict' ? createValidator(options.schemas) : undefined,
      unknownTopics: options.unknownTopics,
    };
    this.dispatcher = new Dispatcher(listeners);
    this.keys = options.secrets.map(secretKey);
    this.queue = options.queue;
    this.now = options.dedupe?.synchronous?.();
    this.claimSettings = {
      leaseMs: options.leaseMs,
      ordering: options.ordering,
      replayKey: undefined,
    };
  }

  /** To be called whenever listeners are added or removed. */
  listenersChanged(): void {
    this.dispatcher.invalidate();
  }

  /**
   * Runs one delivery to its answer. Resolves for everything a sender can send or do, a body
   * stream that fails included; rejects only on a fault of this package. `onEvent` is given
   * the event before any listener runs, a duplicate's too.
   */
  run(delivery: Delivery, onEvent?: EventCallback): Promise<ReceiveResult> {
    const telemetry = this.options.telemetry;
    if (telemetry === undefined) return this.runDelivery(delivery, onEvent, undefined);
    const t = telemetry.delivery();
    return this.runDelivery(delivery, onEvent, t).then(
      (result) => {
        endTelemetry(t, result);
        return result;
      },
      (error: unknown) => {
        // A fault of this package: the adapter's error handling answers 500, without a code.
        endTelemetry(t, { status: 500, body: RECEIVED });
        throw error;
      },
    );
  }

  private async runDelivery(
    delivery: Delivery,
    onEvent: EventCallback | undefined,
    t: DeliveryTelemetry | undefined,
  ): Promise<ReceiveResult> {
    const started = debug.enabled ? performance.now() : 0;
    const receivedAt = new Date();
    let event: VioletEvent | undefined;
    try {
      const { headers } = delivery;
      // 1-2. Method and content type.
      checkRequest(delivery.method ?? 'POST', headers);
      // 3. The body, as the adapter hands it over: counted against the limit, hashed and
      // decoded as it arrives.
      const raw = await readBody(delivery.body, headers, this.options.limit, this.keys);
      // 4. The signature, against the digests of step 3.
      const secretIndex = verifyDeliverySignature(headers, raw.digests);
      // 5-8. Headers, JSON, schema and ids, and the event, handed to the adapter from here on
      // (Express's `req.violet`; a duplicate's answer carries it too).
      const built = eventFromBody({ headers, text: raw.text, secretIndex, receivedAt }, this.rules);
      const h = built.headers;
      const eventType = h.type ?? h.rawType;
      event = built.event;
      t?.event(event);
      onEvent?.(event);
      // 9. The claim on the event id (and, with replayGuard, on its content), which also says
      // whether a newer version was processed.
      const store = this.options.dedupe;
      const settings = this.options.replayGuard
        ? { ...this.claimSettings, replayKey: replayKey(h, raw.digests[secretIndex]) }
        : this.claimSettings;
      const claim =
        store === undefined
          ? undefined
          : this.now !== undefined
            ? claimEventNow(store, this.now, event, raw.text, settings)
            : await claimEvent(store, event, raw.text, settings);
      if (isDuplicate(claim)) {
        if (claim.repeats === undefined) debug('duplicate %s %s', eventType, h.eventId);
        else
          debug('duplicate %s %s: repeats %s (replayGuard)', eventType, h.eventId, claim.repeats);
        return { status: 200, body: DUPLICATE, event };
      }
      if (claim?.stale !== undefined) {
        setStale(event, claim.stale);
        if (claim.stale) debug('stale %s %s', eventType, h.eventId);
      }
      // 10-11. The listeners, or the queue, and the answer.
      const later = delivery.waitUntil ?? this.options.waitUntil;
      const result = this.queue
        ? await this.handOver(event, raw.text, claim, t, later)
        : await this.process(event, claim, t, later);
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

  /** With a queue: the delivery is stored, and the claim completed; or it is released, 503. */
  private async handOver(
    event: VioletEvent,
    body: string,
    claim: Claim | undefined,
    t: DeliveryTelemetry | undefined,
    later: Delivery['waitUntil'],
  ): Promise<ReceiveResult> {
    const queue = this.queue as DeliveryQueue;
    const job = (trace?: Record<string, string>) =>
      queue.enqueue({
        eventId: event.id,
        type: event.family === 'unknown' ? event.rawType : event.type,
        body,
        headers: event.headers,
        receivedAt: event.receivedAt,
        secretIndex: event.secretIndex,
        stale: event.stale,
        trace,
      });
    try {
      if (t === undefined) await job();
      else {
        const carrier: Record<string, string> = {};
        const target = {
          name: queue.name ?? 'queue',
          jobId: queue.jobId?.(event.id) ?? event.id,
          system: queue.system,
        };
        await t.send(target, carrier, () => job(carrier));
      }
    } catch (cause) {
      const failure = new VioletWebhookError(
        'QUEUE_UNAVAILABLE',
        'the delivery could not be queued, so it is not acknowledged; Violet will retry',
        { eventType: event.type, eventId: event.id, cause },
      );
      this.reportIf(await settleClaim(claim, { failure }, event.type));
      throw failure;
    }
    // Stored: the answer need not wait for the claim's completion. Should completing fail, the
    // claim expires after its lease, and a copy sent after that finds the job id taken.
    this.finishLater(event, claim, undefined, later);
    return { status: 200, body: RECEIVED, event };
  }

  /** Step 10: the listeners, inside their span when there is telemetry. */
  private dispatch(
    event: VioletEvent,
    t: DeliveryTelemetry | undefined,
  ): Promise<void> | undefined {
    if (t === undefined) return this.dispatcher.dispatch(event);
    return t.listeners(event, () => this.dispatcher.dispatch(event));
  }

  private async process(
    event: VioletEvent,
    claim: Claim | undefined,
    t: DeliveryTelemetry | undefined,
    later: Delivery['waitUntil'],
  ): Promise<ReceiveResult> {
    // Telemetry learns when the listeners settle from the callbacks below, not a promise of its own.
    const settled = listenersSettled(t);
    if (this.options.ack === 'immediate') {
      // Answer first: listeners start once the answer is on its way.
      const work = new Promise<void>((resolve) => {
        defer(() =>
          resolve(this.finishLater(event, claim, this.dispatch(event, t), undefined, settled)),
        );
      });
      later?.(work);
      return { status: 200, body: RECEIVED, event };
    }
    const outcome = this.dispatch(event, t);
    if (outcome === undefined) {
      settled?.();
      return this.succeed(event, claim, later);
    }
    const failure = await settleWithin(outcome, this.options.timeout, settled);
    if (failure === TIMED_OUT) {
      this.finishLater(event, claim, outcome, later);
      throw new VioletWebhookError(
        'LISTENER_TIMEOUT',
        `listeners of ${event.type} did not finish within ${this.options.timeout} ms; processing goes on, and Violet's retry will find its outcome`,
        { eventType: event.type, eventId: event.id },
      );
    }
    if (failure !== undefined) {
      this.reportIf(await settleClaim(claim, { failure }, event.type));
      throw failure;
    }
    return this.succeed(event, claim, later);
  }

  /**
   * The work is done: the claim is completed; a store failure now is reported, the answer stays
   * 200. A completion still going when the answer's deadline comes (a store that tries again, as
   * the Postgres one does when its pool is short) goes on after the answer, handed to `later`.
   */
  private succeed(
    event: VioletEvent,
    claim: Claim | undefined,
    later: Delivery['waitUntil'],
  ): ReceiveResult | Promise<ReceiveResult> {
    const result = { status: 200, body: RECEIVED, event };
    if (claim === undefined) return result;
    if (this.now !== undefined) {
      this.reportIf(completeNow(this.now, claim, event.type));
      return result;
    }
    const completed = settleClaim(claim, true, event.type).then((error) => this.reportIf(error));
    const left = event.receivedAt.getTime() + this.options.timeout - Date.now();
    return settleWithin(completed, Math.max(0, left)).then((outcome) => {
      if (outcome === TIMED_OUT) {
        debug('completion of %s goes on after the answer', event.id);
        later?.(completed);
      }
      return result;
    });
  }

  /**
   * Completes or releases the claim once listeners settle, after the answer has gone; the work
   * is handed to `later` (a runtime's waitUntil), and returned.
   */
  private finishLater(
    event: VioletEvent,
    claim: Claim | undefined,
    outcome: Promise<void> | undefined,
    later?: Delivery['waitUntil'],
    settled?: (error?: unknown) => void,
  ): Promise<void> {
    const work = (outcome ?? Promise.resolve()).then(
      async () => {
        settled?.();
        this.reportIf(await settleClaim(claim, true, event.type));
      },
      async (error: unknown) => {
        settled?.(error);
        if (isVioletWebhookError(error)) this.report(error);
        this.reportIf(await settleClaim(claim, { failure: error }, event.type));
      },
    );
    later?.(work);
    return work;
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
    emitError(this.listeners, error, debug);
  }
}

/** What tells a delivery's telemetry that its listeners settled, when it wants to be told. */
function listenersSettled(
  t: DeliveryTelemetry | undefined,
): ((error?: unknown) => void) | undefined {
  if (t?.listenersSettled === undefined) return undefined;
  return (error) => t.listenersSettled?.(error);
}
