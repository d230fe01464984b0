// HTTP Basic authentication for the example's job dashboard: the jobs hold whole orders, with
// shoppers' names and addresses, and the dashboard can retry and delete them. The credentials
// come from the environment; compared in constant time, never logged.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

export interface Credentials {
  user: string;
  password: string;
}

/** Both of `DASHBOARD_USER` and `DASHBOARD_PASSWORD`, or undefined when either is unset. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const user = env.DASHBOARD_USER ?? '';
  const password = env.DASHBOARD_PASSWORD ?? '';
  return user === '' || password === '' ? undefined : { user, password };
}

// Digests first, so that timingSafeEqual compares equal lengths and the length leaks nothing.
const digest = (text: string) => createHash('sha256').update(text).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** Answers 401 with a Basic challenge unless the request carries the credentials. */
export function basicAuth({ user, password }: Credentials, realm = 'jobs'): RequestHandler {
  return (req, res, next) => {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
    const decoded = match === null ? '' : Buffer.from(match[1] as string, 'base64').toString();
    const colon = decoded.indexOf(':');
    // Both compared every time, so that a right user name takes no longer to refuse.
    const userOk = same(decoded.slice(0, Math.max(colon, 0)), user);
    const passwordOk = same(decoded.slice(colon + 1), password);
    if (colon >= 0 && userOk && passwordOk) return next();
    res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'credentials required' } });
  };
}
