import http from 'node:http';

export interface UploadOutcome {
  /** The answer, when one arrived before the connection closed. */
  readonly status: number | undefined;
  readonly headers: http.IncomingHttpHeaders | undefined;
  /** Bytes handed to the socket before the upload stopped. */
  readonly written: number;
  /** The client-side error that ended the upload, if any (EPIPE, ECONNRESET). */
  readonly error: string | undefined;
}

/**
 * Streams up to `total` bytes of body, chunked, to a loopback server, with backpressure, and stops
 * at the first answer or error. Bounded in bytes and in time.
 */
export function streamUpload(
  port: number,
  path: string,
  headers: Record<string, string>,
  total: number,
  timeoutMs = 15_000,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let written = 0;
    let done = false;
    let status: number | undefined;
    let answerHeaders: http.IncomingHttpHeaders | undefined;
    const finish = (error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ status, headers: answerHeaders, written, error });
    };
    const timer = setTimeout(() => finish('timed out'), timeoutMs);
    const { 'content-length': _length, ...rest } = headers;
    void _length;
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: rest });
    req.on('response', (res) => {
      status = res.statusCode;
      answerHeaders = res.headers;
      res.resume();
      res.on('end', () => finish());
      res.on('error', () => finish());
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    const pump = (): void => {
      while (!done && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!done) req.end();
    };
    pump();
  });
}
