import { UnrecoverableError, type Job } from 'bullmq';
import { VioletWebhookError, isVioletWebhookError } from '../errors';
import type { VioletEvent } from '../events';
import type { Dispatcher } from '../receive/dispatch';
import { setStale } from '../receive/build-event';
import { eventFromBody, type EventRules } from '../receive/event-from-body';
import type { Telemetry } from '../receive/telemetry';
import { fromJobData } from './job-data';
import { RunningJobs } from './running-jobs';
import type { VioletJob } from './violet-job';

/** What a processor needs: how to rebuild and dispatch the event, and where failures go. */
export interface JobProcessorConfig {
  readonly queueName: string;
  readonly rules: EventRules;
  readonly dispatcher: Dispatcher;
  readonly telemetry: Telemetry | undefined;
  /** Emits a failure on the worker's `'error'`. */
  readonly report: (error: VioletWebhookError) => void;
}

/**
 * BullMQ's processor for the jobs `bullmqQueue()` adds: it rebuilds the event the middleware
 * would have built, runs its listeners, and tells BullMQ what a failure means (try again, or
 * fail for good: a body that no longer validates, a `PermanentError`, the last attempt).
 */
export class JobProcessor {
  /** The errors whose failure has reached `'error'` already, so that none is reported twice. */
  readonly reported = new WeakSet<Error>();
  readonly running = new RunningJobs();

  constructor(private readonly config: JobProcessorConfig) {}

  /** The processor function, for `new Worker(name, processor.run)`. */
  readonly run = async (job: Job): Promise<void> => {
    this.running.started();
    try {
      return await this.runJob(job);
    } finally {
      this.running.ended();
    }
  };

  private async runJob(job: Job): Promise<void> {
    const data = fromJobData(job.data);
    if (data === undefined) {
      // Reported as the job fails, by reportOtherFailures.
      throw new UnrecoverableError('its data is of an unknown format (another version wrote it?)');
    }
    const info: VioletJob = {
      id: String(job.id),
      name: job.name,
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
    };
    const event = this.rebuild(data);
    const run = async () => {
      const outcome = this.config.dispatcher.dispatch(event, info);
      if (outcome === undefined) return;
      try {
        await outcome;
      } catch (error) {
        throw this.failed(event, info, error);
      }
    };
    const { telemetry, queueName } = this.config;
    if (telemetry === undefined) return run();
    const span = { id: info.id, queue: queueName, attempt: info.attempt, system: 'bullmq' };
    return telemetry.job(event, span, data.trace, run);
  }

  /** The event, as the middleware built it; a body that no longer validates fails for good. */
  private rebuild(data: NonNullable<ReturnType<typeof fromJobData>>): VioletEvent {
    const body = {
      headers: data.headers,
      text: data.body,
      secretIndex: data.secretIndex,
      receivedAt: new Date(data.receivedAt),
    };
    try {
      const { event } = eventFromBody(body, this.config.rules);
      // The middleware's claim found it; a worker takes no claim of its own.
      if (data.stale !== undefined) setStale(event, data.stale);
      return event;
    } catch (error) {
      // It will not validate on the next attempt either.
      const failure = new UnrecoverableError(
        error instanceof Error ? error.message : String(error),
      );
      if (!isVioletWebhookError(error)) throw failure; // reported as the job fails
      this.config.report(error);
      throw this.once(failure);
    }
  }

  /** Reports a failed attempt; returns what BullMQ should be told. */
  private failed(event: VioletEvent, job: VioletJob, error: unknown): Error {
    const cause = isVioletWebhookError(error) ? error.cause : error;
    const causes = cause instanceof AggregateError ? cause.errors : [cause];
    const permanent = causes.some((c) => c instanceof UnrecoverableError);
    const last = permanent || job.attempt >= job.maxAttempts;
    this.config.report(
      new VioletWebhookError(
        last ? 'RETRIES_EXHAUSTED' : 'LISTENER_FAILED',
        last
          ? `${event.type} job ${job.id} failed for good (attempt ${job.attempt} of ${job.maxAttempts}${permanent ? ', PermanentError' : ''}); it is kept among the failed jobs for replay`
          : `a listener of ${event.type} failed in attempt ${job.attempt} of ${job.maxAttempts}; BullMQ will try the job again`,
        { eventType: event.type, eventId: event.id, cause, attempt: job.attempt },
      ),
    );
    if (permanent) {
      return this.once(
        new UnrecoverableError(cause instanceof Error ? cause.message : 'permanent failure'),
      );
    }
    return this.once(cause instanceof Error ? cause : new Error(String(cause)));
  }

  private once(error: Error): Error {
    this.reported.add(error);
    return error;
  }
}
