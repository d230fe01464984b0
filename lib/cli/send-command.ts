import { readFile } from 'node:fs/promises';
import { canonicalEventType } from '../event-types';
import { createDelivery } from '../testing/create-delivery';
import { UsageError } from './usage';

/** Options of `violet-webhooks send`, parsed. */
export interface SendOptions {
  url: string;
  type: string;
  secret: string;
  bagId?: string | undefined;
  skuId?: string | undefined;
  eventId?: string | undefined;
  payloadFile?: string | undefined;
}

const WHOLE_NUMBER = /^\d+$/;

function checkId(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !WHOLE_NUMBER.test(value))
    throw new UsageError(`${name} must be a whole number`, 'send');
  return value;
}

/** Posts one signed delivery; returns the exit code (0 for a 2xx answer). */
export async function send(options: SendOptions, out: (line: string) => void): Promise<0 | 1> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError(`not a URL: ${options.url}`, 'send');
  }
  let payload: string | undefined;
  if (options.payloadFile !== undefined) {
    payload = await readFile(options.payloadFile, 'utf8').catch(() => {
      throw new UsageError(`cannot read --payload ${options.payloadFile}`, 'send');
    });
  } else if (canonicalEventType(options.type) === undefined) {
    throw new UsageError(
      `${options.type} is not a known event type: give its body with --payload`,
      'send',
    );
  }
  const delivery = createDelivery({
    type: options.type,
    secret: options.secret,
    payload,
    bagId: checkId('--bag-id', options.bagId),
    skuId: checkId('--sku-id', options.skuId),
    eventId: options.eventId,
  });
  out(`POST ${url.href}  ${options.type}  event ${delivery.headers['x-violet-event-id']}`);
  const response = await fetch(url, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  out(`${response.status} ${response.statusText}`);
  const text = await response.text();
  if (text !== '') out(text);
  return response.ok ? 0 : 1;
}
