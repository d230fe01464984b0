import {
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { isVioletEventType } from '../event-types';
import type { VioletEvent } from '../events';
import type { ReceiveResult } from '../receive/result';
import type { DeliveryTelemetry, QueueTarget } from '../receive/telemetry';
import { eventAttributes, eventTypeOf, failSpan, messagingAttributes } from './attributes';
import { inject } from './carrier';
import type { Instruments } from './instruments';

/** The outcome attribute of an answer: the error code, else `accepted` or `duplicate`. */
function outcomeOf(result: ReceiveResult): string {
  const code = result.error?.code;
  if (code !== undefined) return code;
  // A failure without a code is a fault of this package (the pipeline rejected).
  if (result.status >= 400) return 'INTERNAL_ERROR';
  return 'duplicate' in result.body ? 'duplicate' : 'accepted';
}

/** A type's span names. */
interface SpanNames {
  readonly webhook: string;
  readonly listeners: string;
}

const namesOfKnownTypes = new Map<string, SpanNames>();

/** The span names of a type, made once for each known type rather than on every delivery. */
function spanNames(type: string): SpanNames {
  let names = namesOfKnownTypes.get(type);
  if (names === undefined) {
    names = { webhook: `violet.webhook ${type}`, listeners: `violet.listeners ${type}` };
    // Only known types are kept: the names sent by others are not a closed set.
    if (isVioletEventType(type)) namesOfKnownTypes.set(type, names);
  }
  return names;
}

/** The spans and metrics of one delivery, from its start to its answer. */
export class DeliverySpan implements DeliveryTelemetry {
  private readonly span: Span;
  private readonly ctx: Context;
  private readonly started = performance.now();
  /** The type as a label: set once the signature held and the type is a known one. */
  private type: string | undefined;
  private named = false;
  /** The listeners' span, from their start until they settle. */
  private listening: Span | undefined;
  private listenersType = '';
  private listenersStarted = 0;

  constructor(
    private readonly tracer: Tracer,
    private readonly instruments: Instruments,
  ) {
    // A child of the active span: the HTTP server span that HTTP instrumentation makes.
    this.span = tracer.startSpan('violet.webhook', { kind: SpanKind.INTERNAL });
    this.ctx = trace.setSpan(context.active(), this.span);
    instruments.started();
  }

  event(event: VioletEvent): void {
    this.named = true;
    if (event.type !== 'unknown') {
      this.type = event.type;
      this.span.updateName(spanNames(event.type).webhook);
    }
    this.span.setAttributes(eventAttributes(event));
  }

  listeners(event: VioletEvent, run: () => Promise<void> | undefined): Promise<void> | undefined {
    const type = eventTypeOf(event);
    // No broker between the delivery and these listeners: an INTERNAL span, its child.
    const span = this.tracer.startSpan(
      spanNames(type).listeners,
      {
        kind: SpanKind.INTERNAL,
        attributes: { 'violet.event.type': type, 'violet.event.id': event.id },
      },
      this.ctx,
    );
    this.listening = span;
    this.listenersType = event.type;
    this.listenersStarted = performance.now();
    try {
      return context.with(trace.setSpan(this.ctx, span), run);
    } catch (error) {
      this.listenersSettled(error);
      throw error;
    }
  }

  /**
   * The listeners settled: their span ends, and their duration is recorded. The pipeline calls
   * this from the callbacks it already has on the listeners' promise, so that telemetry adds no
   * promise of its own (each costs the context manager's hooks); only the first call counts.
   */
  listenersSettled(error?: unknown): void {
    const span = this.listening;
    if (span === undefined) return;
    this.listening = undefined;
    const errorType = error === undefined ? undefined : failSpan(span, error);
    span.end();
    const seconds = (performance.now() - this.listenersStarted) / 1000;
    this.instruments.listenerDone(this.listenersType, seconds, errorType);
  }

  async send(
    queue: QueueTarget,
    carrier: Record<string, string>,
    run: () => Promise<void>,
  ): Promise<void> {
    const span = this.tracer.startSpan(
      `send ${queue.name}`,
      { kind: SpanKind.PRODUCER, attributes: messagingAttributes('send', queue) },
      this.ctx,
    );
    const ctx = trace.setSpan(this.ctx, span);
    inject(ctx, carrier);
    try {
      await context.with(ctx, run);
    } catch (error) {
      failSpan(span, error, 'QUEUE_UNAVAILABLE');
      throw error;
    } finally {
      span.end();
    }
  }

  end(result: ReceiveResult): void {
    const { error } = result;
    // A delivery refused after its signature held (a schema mismatch, a bad header) still says
    // what it was: errors carry the type and id only from that point on (docs/pipeline.md).
    if (!this.named && error?.eventType !== undefined && error.eventId !== undefined) {
      this.verified(error.eventType, error.eventId);
    }
    const outcome = outcomeOf(result);
    this.span.setAttribute('violet.webhook.outcome', outcome);
    this.span.setAttribute('http.response.status_code', result.status);
    if (error !== undefined) this.span.setAttribute('error.type', error.code);
    const stale = result.event?.stale;
    if (stale !== undefined) this.span.setAttribute('violet.event.stale', stale);
    // 4xx: the sender's mistake, not this server's: the status stays unset.
    if (result.status >= 500) {
      this.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error?.code ?? String(result.status),
      });
    }
    this.span.end();
    const seconds = (performance.now() - this.started) / 1000;
    this.instruments.answered(this.type ?? '_OTHER', outcome, result.status, seconds);
  }

  /** Refused after the signature held: the type and id are the delivery's own. */
  private verified(type: string, id: string): void {
    this.named = true;
    this.span.setAttributes({ 'violet.event.type': type, 'violet.event.id': id });
    if (isVioletEventType(type)) {
      this.type = type;
      this.span.updateName(spanNames(type).webhook);
    }
  }
}
