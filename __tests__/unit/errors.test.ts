import type * as errors from '../../lib/errors';
import { BodyStreamError, VioletWebhookError, isVioletWebhookError } from '../../lib/errors';

/** A second copy of the errors module, as a duplicated dependency would load it. */
function secondCopy(): typeof errors {
  let copy: typeof errors | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    copy = require('../../lib/errors') as typeof errors;
  });
  if (copy === undefined || copy.VioletWebhookError === VioletWebhookError) {
    throw new Error('no second copy');
  }
  return copy;
}

test('isVioletWebhookError recognises an error made by a second copy of the package', () => {
  const other = secondCopy();
  const foreign = new other.VioletWebhookError('INVALID_SIGNATURE', 'no');
  expect(foreign instanceof VioletWebhookError).toBe(false);
  expect(isVioletWebhookError(foreign)).toBe(true);
  expect(other.isVioletWebhookError(new VioletWebhookError('INVALID_JSON', 'no'))).toBe(true);
  expect(isVioletWebhookError(new other.BodyStreamError('gone'))).toBe(true);
});

test.each([
  ['a plain Error named like it', Object.assign(new Error('x'), { name: 'VioletWebhookError' })],
  [
    'an object of the same shape',
    { name: 'VioletWebhookError', code: 'INVALID_JSON', status: 400 },
  ],
  ['null', null],
  ['a string', 'VioletWebhookError'],
])('isVioletWebhookError is false for %s', (_label, value) => {
  expect(isVioletWebhookError(value)).toBe(false);
});

test('BodyStreamError is a VioletWebhookError with code BODY_STREAM_FAILED, status 400, and its cause', () => {
  const cause = new Error('read ECONNRESET');
  const error = new BodyStreamError('the body could not be read', cause);
  expect(error).toBeInstanceOf(VioletWebhookError);
  expect(error).toMatchObject({ name: 'BodyStreamError', code: 'BODY_STREAM_FAILED', status: 400 });
  expect(error.expose).toBe(true);
  expect(error.cause).toBe(cause);
});
