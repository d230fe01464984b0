import type { ServerResponse } from 'node:http';
import { DUPLICATE, RECEIVED, type ReceiveResult } from '../receive/result';

const JSON_TYPE = 'application/json; charset=utf-8';

/** An answer's body as sent: its JSON text and the headers that describe it. */
interface Serialised {
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
}

function serialise(body: ReceiveResult['body']): Serialised {
  const text = JSON.stringify(body);
  // An explicit length: after writeHead(), Node would otherwise send the body chunked.
  const headers = { 'Content-Type': JSON_TYPE, 'Content-Length': String(Buffer.byteLength(text)) };
  return { text, headers };
}

/** The two answers that make up nearly all traffic, serialised once. */
const ANSWER_RECEIVED = serialise(RECEIVED);
const ANSWER_DUPLICATE = serialise(DUPLICATE);

/**
 * Writes what `receive()` resolved to on a Node response: status, headers (`Allow` on 405,
 * `Connection: close` on 413) and the JSON body. Does nothing when the response has already
 * been answered or its connection is gone (a sender that aborted mid-body).
 *
 * @example
 * http.createServer(async (req, res) => {
 *   writeResult(res, await violet.receive({ method: req.method, headers: req.headers, body: req }));
 * });
 */
export function writeResult(res: ServerResponse, result: ReceiveResult): void {
  // headersSent holds once anything, the end included, has been written.
  if (res.headersSent || res.destroyed) return;
  const answer =
    result.body === RECEIVED
      ? ANSWER_RECEIVED
      : result.body === DUPLICATE
        ? ANSWER_DUPLICATE
        : serialise(result.body);
  res.writeHead(
    result.status,
    result.headers === undefined ? answer.headers : { ...result.headers, ...answer.headers },
  );
  res.end(answer.text);
}
