/**
 * The job a worker's listener runs in.
 *
 * @example
 * worker.on('ORDER_SHIPPED', (event, job) => log(job.id, `attempt ${job.attempt} of ${job.maxAttempts}`));
 */
export interface VioletJob {
  /** `violet-<event id>`. */
  readonly id: string;
  /** The event type. */
  readonly name: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
}
