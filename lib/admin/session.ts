import type { Transport } from './http';
import { VioletApiError } from './violet-api-error';

/** Renew this long before the token's `exp` (a tenth of its life at most), so that no call is sent with a dying token. */
const MARGIN_MS = 5 * 60_000;
/** A token's life when its `exp` cannot be read (Violet's are 24 hours). */
const ASSUMED_LIFE_MS = 23 * 3600_000;

/** When a JWT expires (its `exp` claim), in ms since the epoch, or undefined. */
function expiresAt(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The access token: logged in on first use, one login shared by concurrent calls, refreshed
 * with the refresh token before its `exp` or when Violet says it has expired, and logged in
 * again when the refresh is refused.
 */
export class Session {
  private token: string | undefined;
  private refreshToken: string | undefined;
  private validUntil = 0;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly credentials: { readonly username: string; readonly password: string },
  ) {}

  /** The tokens held, to keep them out of messages. */
  secrets(): string[] {
    return [this.token, this.refreshToken].filter((t): t is string => t !== undefined);
  }

  /** A token to call with. */
  current(): Promise<string> {
    if (this.token !== undefined && Date.now() < this.validUntil)
      return Promise.resolve(this.token);
    this.pending ??= this.renew().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Violet refused `token` as expired: the next `current()` renews it. */
  expired(token: string): void {
    if (this.token === token) this.validUntil = 0;
  }

  private async renew(): Promise<string> {
    if (this.refreshToken !== undefined) {
      try {
        const answer = await this.transport.send<{ token?: unknown }>({
          method: 'GET',
          path: '/auth/token',
          token: this.refreshToken,
        });
        if (typeof answer?.token === 'string') return this.take(answer.token);
      } catch (error) {
        // A refused refresh token: log in again. Anything else is the caller's failure.
        if (!(error instanceof VioletApiError && (error.status === 401 || error.status === 403))) {
          throw error;
        }
      }
    }
    const user = await this.transport.send<{ token?: unknown; refresh_token?: unknown }>({
      method: 'POST',
      path: '/login',
      body: { username: this.credentials.username, password: this.credentials.password },
    });
    if (typeof user?.token !== 'string') {
      throw new VioletApiError(
        { status: 200, method: 'POST', path: '/login' },
        'POST /login answered without a token',
      );
    }
    this.refreshToken = typeof user.refresh_token === 'string' ? user.refresh_token : undefined;
    return this.take(user.token);
  }

  private take(token: string): string {
    const now = Date.now();
    const until = expiresAt(token) ?? now + ASSUMED_LIFE_MS;
    this.token = token;
    this.validUntil = until - Math.min(MARGIN_MS, Math.max(0, until - now) / 10);
    return token;
  }
}
