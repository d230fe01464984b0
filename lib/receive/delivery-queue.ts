/**
 * A delivery handed to a {@link DeliveryQueue}: what a worker needs to build the same event the
 * middleware would have built. The signature is not in it: it was checked, and it is a secret's
 * product that has no use past this point.
 *
 * @example
 * const job: QueuedDelivery = { eventId: '42', type: 'ORDER_SHIPPED', body, headers, receivedAt, secretIndex: 0 };
 */
export interface QueuedDelivery {
  /** `x-violet-event-id`: at most one job per id. */
  readonly eventId: string;
  /** The event type in its canonical spelling, or as sent for a type this package does not know. */
  readonly type: string;
  /** The signed body, exactly as received. */
  readonly body: string;
  /** Every `x-violet-*` header but the signature. */
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: Date;
  /** Which of the configured secrets matched. */
  readonly secretIndex: number;
  /** `event.stale` as the claim found it, for the worker's event (undefined: unknown). */
  readonly stale?: boolean | undefined;
  /**
   * With telemetry: the context of the span that queued it, as the app's propagators write it
   * (`traceparent`, `tracestate`, `baggage`), for the worker's link and listeners.
   */
  readonly trace?: Readonly<Record<string, string>> | undefined;
}

/**
 * Where the middleware hands verified, validated, first-seen deliveries when its `queue` option
 * is set, instead of calling listeners. `express-violet-webhooks/bullmq` has the BullMQ one.
 *
 * @example
 * const queue: DeliveryQueue = {
 *   async enqueue(delivery) {
 *     await db.insert('violet_jobs', { id: delivery.eventId, body: delivery.body });
 *   },
 * };
 */
export interface DeliveryQueue {
  /**
   * Resolves once the delivery is stored durably; rejects when it cannot be, within a deadline of
   * its own (the answer waits for it). Adding an event id that is already queued must not make a
   * second job.
   */
  enqueue(delivery: QueuedDelivery): Promise<void>;
  /** The queue's name, for telemetry (`send <name>` spans). */
  readonly name?: string | undefined;
  /** The job id an event gets, for telemetry (`messaging.message.id`). */
  jobId?(eventId: string): string;
  /** The messaging system, for telemetry (`messaging.system`): `bullmq` for `bullmqQueue()`. */
  readonly system?: string | undefined;
}
