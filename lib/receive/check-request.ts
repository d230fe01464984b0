import { VioletWebhookError } from '../errors';
import { headerValue, type HeaderMap } from './delivery';

/** `type/subtype+json`, per RFC 6839 structured syntax suffixes. */
const JSON_SUFFIX = /^[a-z0-9!#$&^_.-]+\/[a-z0-9!#$&^_.+-]+\+json$/;

function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon))
    .trim()
    .toLowerCase();
  return type === 'application/json' || JSON_SUFFIX.test(type);
}

/** Steps 1 and 2: only POST, only JSON, only unencoded bodies (the signature covers the bytes sent). */
export function checkRequest(method: string, headers: HeaderMap): void {
  if (method !== 'POST') {
    throw new VioletWebhookError(
      'METHOD_NOT_ALLOWED',
      `Violet webhooks are delivered with POST; ${method} is not allowed here`,
      { headers: { Allow: 'POST' } },
    );
  }
  if (!isJsonType(headerValue(headers, 'content-type'))) {
    throw new VioletWebhookError(
      'UNSUPPORTED_MEDIA_TYPE',
      'a Violet webhook has a JSON body: send it with Content-Type: application/json',
    );
  }
  const encoding = headerValue(headers, 'content-encoding');
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new VioletWebhookError(
      'UNSUPPORTED_MEDIA_TYPE',
      'compressed bodies are not accepted: send the body without Content-Encoding',
    );
  }
}
