import type { Readable } from 'node:stream';

type Chunk = Buffer | string;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** Where the read is; `left`: the pipeline stopped reading, the body being past its limit. */
type State = 'reading' | 'ended' | 'failed' | 'left';

/**
 * The chunks of a Node stream (a request), for the pipeline to count, hash and decode as they
 * arrive. Listening starts when the pipeline starts reading, never before (a delivery refused by
 * its method or type leaves its request untouched); leaving the iteration early pauses the
 * stream, unread.
 */
class StreamChunks implements AsyncIterable<Chunk>, AsyncIterator<Chunk> {
  private state: State = 'reading';
  private failure: unknown;
  /** Chunks that came while the pipeline was busy with an earlier one. */
  private readonly queued: Chunk[] = [];
  private waiting: ((result: IteratorResult<Chunk>) => void) | undefined;
  private waitingFailed: ((error: unknown) => void) | undefined;

  constructor(private readonly stream: Readable) {}

  [Symbol.asyncIterator](): this {
    // Once the body has ended, the listeners stay: 'close' follows 'end' and finds the read
    // settled, and the 'error' listener keeps a later failure of the stream from crashing the
    // process (a stream left unread may fail too; Node's own requests excepted). Nothing is
    // removed from a request that ended well.
    this.stream.on('data', this.onData);
    this.stream.on('end', this.onEnd);
    this.stream.on('error', this.onError);
    this.stream.on('close', this.onClose);
    if (this.stream.destroyed && !this.stream.readableEnded) {
      // Gone before the pipeline read it (the sender left during an earlier middleware): its
      // 'close' has been and will not come again.
      this.fail(new Error('the connection closed before the body ended'));
    } else if (this.stream.readableFlowing === false) {
      // Paused by someone before: a 'data' listener alone would not start it.
      this.stream.resume();
    }
    return this;
  }

  next(): Promise<IteratorResult<Chunk>> {
    if (this.queued.length > 0) {
      return Promise.resolve({ done: false, value: this.queued.shift() as Chunk });
    }
    if (this.state === 'reading') {
      return new Promise((resolve, reject) => {
        this.waiting = resolve;
        this.waitingFailed = reject;
      });
    }
    return this.state === 'failed' ? Promise.reject(this.failure) : Promise.resolve(DONE);
  }

  /** The body is past the limit. */
  return(): Promise<IteratorResult<Chunk>> {
    // Stop reading: a paused request stops its socket once Node's buffer fills, and the 413
    // goes out with `Connection: close`, which ends the connection after the answer.
    this.state = 'left';
    this.queued.length = 0;
    this.stream.off('data', this.onData);
    this.stream.pause();
    return Promise.resolve(DONE);
  }

  private settle(result: IteratorResult<Chunk> | undefined, error?: unknown): void {
    const resolve = this.waiting;
    const reject = this.waitingFailed;
    this.waiting = this.waitingFailed = undefined;
    if (result !== undefined) resolve?.(result);
    else reject?.(error);
  }

  private readonly onData = (chunk: Chunk): void => {
    if (this.waiting === undefined) this.queued.push(chunk);
    else this.settle({ done: false, value: chunk });
  };

  private readonly onEnd = (): void => {
    if (this.state !== 'reading') return;
    this.state = 'ended';
    this.settle(DONE);
  };

  private readonly onError = (error: Error): void => {
    if (this.state === 'reading') this.fail(error);
  };

  // A request whose sender goes away closes before it ends. Every request closes, after its
  // answer too: the error (and its stack) is made only for one that has not ended.
  private readonly onClose = (): void => {
    if (this.state === 'reading') {
      this.fail(new Error('the connection closed before the body ended'));
    }
  };

  private fail(error: Error): void {
    this.state = 'failed';
    this.failure = error;
    this.stream.off('data', this.onData);
    this.settle(undefined, error);
  }
}

/**
 * The body of a Node stream as the pipeline takes it: its chunks, read in flowing mode once the
 * pipeline reads, and the stream paused when the pipeline stops early.
 */
export function streamChunks(stream: Readable): AsyncIterable<Chunk> {
  return new StreamChunks(stream);
}
