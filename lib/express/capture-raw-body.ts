import type { IncomingMessage } from 'node:http';

/**
 * Keeps the exact body bytes on `req.rawBody` when another parser reads the body first, so the
 * Violet middleware can still verify the signature. Pass it as body-parser's `verify` hook.
 *
 * @example
 * app.use(express.json({ verify: captureRawBody }));
 * app.post('/webhooks/violet', violet);
 */
export function captureRawBody(req: IncomingMessage, _res: unknown, buf: Buffer): void {
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buf;
}
