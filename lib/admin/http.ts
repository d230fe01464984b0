import createDebug from 'debug';
import { VioletApiError } from './violet-api-error';

const debug = createDebug('violet-webhooks:admin');

/** What a call sends: the method, a path under the base URL, and what goes with it. */
export interface ApiCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  body?: unknown;
  /** `X-Violet-Token`; absent for login. */
  token?: string | undefined;
}

export interface TransportOptions {
  baseUrl: string;
  appId: string;
  appSecret: string;
  fetch: typeof fetch;
  /** How many times a 429 or 5xx is tried again. */
  retries: number;
  /** The first back-off when no Retry-After says otherwise; it doubles each time. */
  retryDelayMs: number;
  /** Values never to let into an error message (secret, password, tokens). */
  secrets: () => readonly string[];
}

const TIMEOUT_MS = 30_000;
const LONGEST_WAIT_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), LONGEST_WAIT_MS) : undefined;
}

/** Replaces every secret found in a text; keeps a message short. */
export function scrub(text: string, secrets: readonly string[]): string {
  let clean = text.length > 300 ? `${text.slice(0, 300)}...` : text;
  for (const secret of secrets) {
    if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  }
  return clean;
}

async function readAnswer(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function violetMessage(answer: unknown): { message: string; errorCode?: number | undefined } {
  if (answer !== null && typeof answer === 'object') {
    const { message, error_code: errorCode } = answer as {
      message?: unknown;
      error_code?: unknown;
    };
    return {
      message: typeof message === 'string' ? message : JSON.stringify(answer),
      errorCode: typeof errorCode === 'number' ? errorCode : undefined,
    };
  }
  return { message: typeof answer === 'string' ? answer : '' };
}

/**
 * Violet's API over Node's fetch: the app headers on every call, JSON in and out, and 429 and
 * 5xx tried again a bounded number of times, after what Retry-After asks or a doubling back-off.
 */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  async send<T>(call: ApiCall): Promise<T> {
    const { retries } = this.options;
    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      const res = await this.fetchOnce(call);
      debug('%s %s %d in %dms', call.method, call.path, res.status, Date.now() - started);
      if (res.ok) return (await readAnswer(res)) as T;
      const retryable = res.status === 429 || res.status >= 500;
      if (retryable && attempt < retries) {
        const wait =
          retryAfterMs(res.headers.get('retry-after')) ?? this.options.retryDelayMs * 2 ** attempt;
        await res.body?.cancel();
        debug('%s %s: %d, trying again in %dms', call.method, call.path, res.status, wait);
        await sleep(wait);
        continue;
      }
      throw this.failure(call, res.status, await readAnswer(res));
    }
  }

  private async fetchOnce(call: ApiCall): Promise<Response> {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-violet-app-id': this.options.appId,
      'x-violet-app-secret': this.options.appSecret,
    };
    if (call.token !== undefined) headers['x-violet-token'] = call.token;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const init: RequestInit = {
        method: call.method,
        headers,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      };
      if (call.body !== undefined) init.body = JSON.stringify(call.body);
      return await this.options.fetch(url, init);
    } catch (error) {
      const reason = error instanceof Error ? error.name : 'error';
      throw new VioletApiError(
        { status: 0, method: call.method, path: call.path },
        `${call.method} ${call.path}: no answer from Violet's API (${reason})`,
        error instanceof Error
          ? new Error(scrub(error.message, this.options.secrets()))
          : undefined,
      );
    }
  }

  private failure(call: ApiCall, status: number, answer: unknown): VioletApiError {
    const { message, errorCode } = violetMessage(answer);
    const said = scrub(message, this.options.secrets());
    return new VioletApiError(
      { status, errorCode, method: call.method, path: call.path },
      `${call.method} ${call.path} failed with ${status}${said === '' ? '' : `: ${said}`}`,
    );
  }
}
