import type { IncomingMessage } from 'node:http';
import { streamChunks } from '../http/stream-chunks';
import { READ_BY_MIDDLEWARE } from '../http/read-by-middleware';
import type { AdapterBody } from '../receive/delivery';

/** A request as Express and body-parser leave it. */
export type ParsedRequest = IncomingMessage & { body?: unknown; rawBody?: unknown };

/** Where the exact bytes are: still in the request stream, or kept by an upstream parser. */
export function expressBody(req: ParsedRequest): AdapterBody {
  // The common case first, and with one property read: in Express, every property that a
  // request lacks (rawBody, body) is looked up through its whole prototype chain.
  if (!req.readableEnded) return streamChunks(req);
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  if (Buffer.isBuffer(req.body)) return req.body;
  // An upstream parser that kept no bytes has ended the stream: the answer is
  // BODY_ALREADY_PARSED with the fix, instead of waiting for bytes that never come.
  return READ_BY_MIDDLEWARE;
}
