import type { IncomingMessage, ServerResponse } from 'node:http';
import createDebug from 'debug';
import type { VioletEvent } from '../events';
import type { BodySource } from '../receive/delivery';
import { BodyStreamError } from '../receive/read-body';
import { DUPLICATE, RECEIVED, type Pipeline, type ReceiveResult } from '../receive/receive';

const debug = createDebug('violet-webhooks:express');

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified, validated Violet event, set by the Violet middleware. */
      violet?: VioletEvent;
      /** The exact body bytes, kept by `express.json({ verify: captureRawBody })`. */
      rawBody?: Buffer;
    }
    interface Locals {
      /** With `respond: false`: the answer the Violet middleware would have given. */
      violetResult?: ReceiveResult;
    }
  }
}

/** A request as the middleware reads it: Node's, with what Express or body-parser may add. */
export type MiddlewareRequest = IncomingMessage & {
  body?: unknown;
  rawBody?: unknown;
  violet?: VioletEvent;
};
/** A response as the middleware writes it: Node's, with Express's `locals` when present. */
export type MiddlewareResponse = ServerResponse & { locals?: Record<string, unknown> };
/** Express's `next`. */
export type MiddlewareNext = (error?: unknown) => void;

/** Where the exact bytes are: still in the request stream, or kept by an upstream parser. */
function bodySource(req: MiddlewareRequest): BodySource {
  // The common case first, and with one property read: in Express, every property that a
  // request lacks (rawBody, body) is looked up through its whole prototype chain.
  if (!req.readableEnded) return req;
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  if (Buffer.isBuffer(req.body)) return req.body;
  // An upstream parser that kept no bytes has ended the stream; read-body then answers
  // BODY_ALREADY_PARSED with the fix, instead of waiting for bytes that never come.
  return req;
}

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

function writeResult(res: MiddlewareResponse, result: ReceiveResult): void {
  // headersSent holds once anything, the end included, has been written.
  if (res.headersSent) return;
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

/** The thin Express adapter: req and res in, an answer or `next(err)` out. */
export function createMiddleware(pipeline: Pipeline, respond: boolean) {
  return function violetWebhooksMiddleware(
    req: MiddlewareRequest,
    res: MiddlewareResponse,
    next: MiddlewareNext,
  ): void {
    const delivery = { method: req.method, headers: req.headers, body: bodySource(req) };
    pipeline.run(delivery, req).then(
      (result) => {
        if (respond) return writeResult(res, result);
        if (res.locals !== undefined) res.locals.violetResult = result;
        if (result.error !== undefined) return next(result.error);
        next();
      },
      (error: unknown) => {
        if (error instanceof BodyStreamError) {
          debug('request body stream failed; the sender is gone, nothing to answer');
          return;
        }
        next(error);
      },
    );
  };
}
