import type { VioletEvent } from '../events';
import type { ReceiveResult } from './result';

/**
 * The queue a delivery is handed to, as telemetry names it.
 *
 * @example
 * const target: QueueTarget = { name: 'violet-webhooks', jobId: 'violet-42', system: 'bullmq' };
 */
export interface QueueTarget {
  /** The queue's name (`send <name>`, `messaging.destination.name`). */
  readonly name: string;
  /** The job's id (`messaging.message.id`). */
  readonly jobId: string;
  /** The messaging system (`messaging.system`), as the queue adapter names it: `bullmq`. */
  readonly system?: string | undefined;
}

/**
 * What the telemetry of one delivery is told, in order: the event once it is verified and
 * built, the listeners or the hand-off to a queue, and the answer.
 */
export interface DeliveryTelemetry {
  /** The event is verified, validated and built. */
  event(event: VioletEvent): void;
  /**
   * Runs the listeners (`run`) inside their span; returns what `run` returned. Without
   * {@link DeliveryTelemetry.listenersSettled}, the implementation follows that promise itself.
   */
  listeners(event: VioletEvent, run: () => Promise<void> | undefined): Promise<void> | undefined;
  /**
   * The listeners settled (`error` when they failed): called by the pipeline once they have,
   * however long after the answer that is (`timeout`, `ack: 'immediate'`).
   */
  listenersSettled?(error?: unknown): void;
  /**
   * Runs the hand-off to a queue (`run`) inside its span, after writing that span's context (as
   * the app's propagators write it) into `carrier`, which travels in the job.
   */
  send(
    queue: QueueTarget,
    carrier: Record<string, string>,
    run: () => Promise<void>,
  ): Promise<void>;
  /** The answer: ends the delivery. */
  end(result: ReceiveResult): void;
}

/**
 * The `telemetry` option of the middleware and of a queue's worker: `openTelemetry()` from
 * `express-violet-webhooks/otel` implements it. Without it, nothing is recorded and nothing is
 * paid on the hot path.
 *
 * @example
 * const violet = violetWebhooks({ secret, telemetry: openTelemetry() });
 */
export interface Telemetry {
  /** One delivery begins, in the context of whatever span is active (the HTTP server's). */
  delivery(): DeliveryTelemetry;
  /**
   * In a worker: runs one job's listeners (`run`) inside their span, linked to the span that
   * queued the job (its context, and the app's baggage, are in `carrier`).
   */
  job(
    event: VioletEvent,
    job: { id: string; queue: string; attempt: number; system?: string | undefined },
    carrier: Readonly<Record<string, string>> | undefined,
    run: () => Promise<void>,
  ): Promise<void>;
}
