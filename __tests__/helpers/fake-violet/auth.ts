import { randomBytes } from 'node:crypto';

/** The fake's app and its owner, as Violet's login checks them. */
export interface FakeCredentials {
  appId: string;
  appSecret: string;
  username: string;
  password: string;
}

/** A JWT-shaped token whose `exp` claim says when it expires (the signature is not checked). */
function jwt(exp: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const nonce = randomBytes(8).toString('hex');
  return `${part({ alg: 'HS256' })}.${part({ exp, nonce })}.${randomBytes(16).toString('base64url')}`;
}

/** Tokens as Violet issues them: access tokens with an `exp`, refresh tokens that last. */
export class FakeAuth {
  logins = 0;
  refreshes = 0;
  private readonly live = new Map<string, number>();
  private readonly refreshTokens = new Set<string>();

  constructor(
    readonly credentials: FakeCredentials,
    /** How long an access token lives, in seconds. */
    public tokenLifeSeconds = 24 * 3600,
  ) {}

  login(
    username: unknown,
    password: unknown,
  ): { token: string; refresh_token: string } | undefined {
    if (username !== this.credentials.username || password !== this.credentials.password) {
      return undefined;
    }
    this.logins += 1;
    const refresh = `refresh-${randomBytes(12).toString('hex')}`;
    this.refreshTokens.add(refresh);
    return { token: this.issue(), refresh_token: refresh };
  }

  refresh(refreshToken: string | undefined): string | undefined {
    if (refreshToken === undefined || !this.refreshTokens.has(refreshToken)) return undefined;
    this.refreshes += 1;
    return this.issue();
  }

  /** 'ok', 'expired' (Violet's 401 with error_code 11) or 'invalid'. */
  check(token: string | undefined): 'ok' | 'expired' | 'invalid' {
    if (token === undefined) return 'invalid';
    const exp = this.live.get(token);
    if (exp === undefined) return 'invalid';
    return exp * 1000 > Date.now() ? 'ok' : 'expired';
  }

  /** Every access token given so far expires now, as if 24 hours had passed. */
  expireAll(): void {
    for (const token of this.live.keys()) this.live.set(token, 0);
  }

  /** Every secret the fake knows, for tests that search output for them. */
  secrets(): string[] {
    return [
      this.credentials.appSecret,
      this.credentials.password,
      ...this.live.keys(),
      ...this.refreshTokens,
    ];
  }

  private issue(): string {
    const exp = Math.floor(Date.now() / 1000) + this.tokenLifeSeconds;
    const token = jwt(exp);
    this.live.set(token, exp);
    return token;
  }
}
