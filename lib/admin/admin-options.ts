import { checkKeys } from '../check-keys';
import { checkChoice, checkWholeNumber, optionError } from '../check-option';

/** Violet's base URLs, `/v1` included. */
export const VIOLET_API_URLS = {
  sandbox: 'https://sandbox-api.violet.io/v1',
  live: 'https://api.violet.io/v1',
} as const;

/**
 * Options of `VioletAdmin`: the app's credentials and the app owner's login.
 *
 * @example
 * new VioletAdmin({ appId, appSecret, username, password, environment: 'live' });
 */
export interface VioletAdminOptions {
  appId: string | number;
  appSecret: string;
  /** The e-mail the app owner logs in to channel.violet.io with. */
  username: string;
  password: string;
  /** `'sandbox'` (default) or `'live'`. */
  environment?: 'sandbox' | 'live' | undefined;
  /** Replaces the environment's base URL (tests, proxies), `/v1` included. */
  baseUrl?: string | undefined;
  /** A fetch implementation; Node's own by default. */
  fetch?: typeof fetch | undefined;
  /** How many times a 429 or 5xx answer is tried again. Default 3. */
  retries?: number | undefined;
}

/** The options checked, with every default filled in. */
export interface ResolvedAdminOptions {
  appId: string;
  appSecret: string;
  username: string;
  password: string;
  baseUrl: string;
  fetch: typeof fetch;
  retries: number;
}

const KNOWN = [
  'appId',
  'appSecret',
  'username',
  'password',
  'environment',
  'baseUrl',
  'fetch',
  'retries',
];

function fail(option: string, message: string): never {
  return optionError('VioletAdmin', option, message);
}

/** A required text option; a TypeError names it, never its value. */
function required(options: Record<string, unknown>, name: string): string {
  const value = options[name];
  if (typeof value === 'number' && name === 'appId') return String(value);
  if (typeof value !== 'string' || value.trim() === '') fail(name, 'is required');
  return value;
}

/** Checks the options once; throws a TypeError that names the first bad one. */
export function resolveAdminOptions(options: VioletAdminOptions): ResolvedAdminOptions {
  const o = (options ?? {}) as unknown as Record<string, unknown>;
  checkKeys('VioletAdmin', o, KNOWN, {
    secret: 'the app secret is `appSecret`',
    apiUrl: "a base URL other than the environment's is `baseUrl`",
  });
  const resolved = {
    appId: required(o, 'appId'),
    appSecret: required(o, 'appSecret'),
    username: required(o, 'username'),
    password: required(o, 'password'),
  };
  const environment = checkChoice('VioletAdmin', 'environment', o.environment ?? undefined, [
    'sandbox',
    'live',
  ] as const);
  if (o.baseUrl !== undefined && typeof o.baseUrl !== 'string') fail('baseUrl', 'must be a URL');
  if (o.fetch !== undefined && typeof o.fetch !== 'function') fail('fetch', 'must be a function');
  const retries = checkWholeNumber('VioletAdmin', 'retries', o.retries ?? undefined, 0) ?? 3;
  return {
    ...resolved,
    baseUrl: (o.baseUrl as string | undefined) ?? VIOLET_API_URLS[environment],
    fetch: (o.fetch as typeof fetch | undefined) ?? fetch,
    retries,
  };
}
