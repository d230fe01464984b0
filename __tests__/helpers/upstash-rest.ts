// Upstash's REST protocol on loopback, in front of the real Redis: what @upstash/redis talks to
// in production, minus the network. Every command is forwarded to Redis; every answer is Redis's
// own, in the shape the real service gives it (see @upstash/redis's pkg/http.ts, which reads it):
// - POST / with one command as a JSON array: 200 `{"result": ...}`, or 400 `{"error": "..."}`
//   carrying Redis's error message;
// - POST /pipeline with an array of commands, run in order, not atomically: 200 with an array of
//   `{"result"}` / `{"error"}`, one for each command;
// - `Authorization: Bearer <token>` checked: 401 `{"error":"Unauthorized"}` otherwise;
// - `Upstash-Encoding: base64`: every string of a result base64-encoded, except the `OK` status;
// - `upstash-sync-token`: a new one on every answer (read-your-writes; one Redis keeps it anyway).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import Redis from 'ioredis';
import { listenOnLoopback } from './ports';

type Argument = string | number | boolean;
type Reply = Buffer | string | number | null | Reply[];

/** What the endpoint answered to one command, as the tests read it. */
export interface SeenCommand {
  /** The command name, upper-case, and its arguments as strings. */
  readonly command: readonly string[];
  /** `/` or `/pipeline`. */
  readonly path: string;
  /** Whether the request asked for base64-encoded results (`Upstash-Encoding: base64`). */
  readonly base64: boolean;
  /** The Redis error it answered, if any. */
  readonly error?: string;
}

const isCommand = (value: unknown): value is [string, ...Argument[]] =>
  Array.isArray(value) &&
  value.length > 0 &&
  typeof value[0] === 'string' &&
  value.every((a) => ['string', 'number', 'boolean'].includes(typeof a));

function encode(reply: Reply, base64: boolean): unknown {
  if (Array.isArray(reply)) return reply.map((r) => encode(r, base64));
  if (typeof reply === 'string') return encode(Buffer.from(reply), base64);
  if (!Buffer.isBuffer(reply)) return reply;
  const text = reply.toString('utf8');
  return base64 && text !== 'OK' ? reply.toString('base64') : text;
}

export class UpstashRestEndpoint {
  /** Every command received, in order, with its answer's error if it failed. */
  readonly seen: SeenCommand[] = [];
  readonly token = `test-token-${randomUUID()}`;
  private hanging = false;
  private delayMs = 0;
  private syncToken = 0;
  private readonly open = new Set<http.ServerResponse>();

  private constructor(
    private readonly redis: Redis,
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  /** Serves the protocol on a loopback port, forwarding to the Redis at `redisUrl`. */
  static async start(redisUrl: string): Promise<UpstashRestEndpoint> {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const server = http.createServer();
    const port = await listenOnLoopback(server);
    const endpoint = new UpstashRestEndpoint(redis, server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => {
      endpoint.handle(req, res).catch(() => res.destroy());
    });
    return endpoint;
  }

  /** The names of the commands received so far (`SET`, `EVALSHA`, ...), in order. */
  names(): string[] {
    return this.seen.map((s) => s.command[0] ?? '');
  }

  /** From now on, requests are read and never answered (a stalled service). */
  hang(): void {
    this.hanging = true;
  }

  /** From now on, each request waits `ms` before it is forwarded (a slow network); 0 to stop. */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.redis.disconnect();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.hanging) {
      this.open.add(res);
      return;
    }
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'upstash-sync-token': String((this.syncToken += 1)),
      });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return reply(401, { error: 'Unauthorized' });
    }
    if (req.method !== 'POST') return reply(405, { error: 'Method Not Allowed' });
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(400, { error: 'ERR failed to parse command' });
    }
    const base64 = req.headers['upstash-encoding'] === 'base64';
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (path === '/') {
      if (!isCommand(body)) return reply(400, { error: 'ERR failed to parse command' });
      const [answer] = await this.run([body], path, base64);
      if (answer === undefined) throw new Error('unreachable');
      return 'error' in answer
        ? reply(400, answer)
        : reply(200, { result: encode(answer.result, base64) });
    }
    if (path === '/pipeline') {
      if (!Array.isArray(body) || body.length === 0 || !body.every(isCommand)) {
        return reply(400, { error: 'ERR failed to parse pipeline request' });
      }
      const answers = await this.run(body, path, base64);
      return reply(
        200,
        answers.map((a) => ('error' in a ? a : { result: encode(a.result, base64) })),
      );
    }
    return reply(404, { error: `ERR ${path} is not served by this endpoint` });
  }

  /** Runs `commands` on Redis in one pipeline, in order: each one's reply or Redis's error. */
  private async run(
    commands: [string, ...Argument[]][],
    path: string,
    base64: boolean,
  ): Promise<({ result: Reply } | { error: string })[]> {
    const pipeline = this.redis.pipeline();
    const asStrings = commands.map((c) => c.map(String));
    for (const [name, ...args] of asStrings) pipeline.callBuffer(name ?? '', ...args);
    let results: [Error | null, unknown][];
    try {
      results = (await pipeline.exec()) ?? [];
    } catch (error) {
      results = commands.map(() => [error as Error, null]);
    }
    return asStrings.map((command, i) => {
      const [error, result] = results[i] ?? [new Error('ERR no reply'), null];
      const name = (command[0] ?? '').toUpperCase();
      this.seen.push({
        command: [name, ...command.slice(1)],
        path,
        base64,
        ...(error === null ? {} : { error: error.message }),
      });
      return error === null ? { result: result as Reply } : { error: error.message };
    });
  }
}
