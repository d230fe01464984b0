import { execFileSync } from 'node:child_process';

/** HMAC-SHA256 in base64 by the openssl command line: an implementation independent of ours. */
export function opensslSign(body: string | Buffer, secret: string): string {
  return execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-binary'], {
    input: body,
  }).toString('base64');
}
