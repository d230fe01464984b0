import { violetWebhooks, type VioletWebhooksOptions } from '../../lib';

function create(options: unknown) {
  return () => violetWebhooks(options as VioletWebhooksOptions);
}

describe('options are checked in the factory', () => {
  test.each([
    ['no options', undefined, /options object/],
    ['a missing secret', {}, /`secret` is required/],
    ['an empty secret', { secret: '' }, /`secret` must be a non-empty string/],
    [
      'a secret with a trailing newline',
      { secret: 'abc\n' },
      /`secret` has leading or trailing whitespace/,
    ],
    [
      'a secret with a leading space',
      { secret: ' abc' },
      /`secret` has leading or trailing whitespace/,
    ],
    ['an empty secret array', { secret: [] }, /`secret` must not be an empty array/],
    ['a bad secret in the array', { secret: ['ok', ''] }, /`secret\[1\]`/],
    ['a secret that is a number', { secret: 42 }, /`secret`/],
    ['a bad limit', { secret: 's', limit: 'lots' }, /`limit`/],
    ['a negative limit', { secret: 's', limit: -1 }, /`limit`/],
    [
      'a bad validation',
      { secret: 's', validation: 'loose' },
      /`validation` must be 'strict' or 'off'/,
    ],
    ['a bad ack', { secret: 's', ack: 'later' }, /`ack`/],
    ['a bad unknownTopics', { secret: 's', unknownTopics: 'ignore' }, /`unknownTopics`/],
    ['a bad ordering', { secret: 's', ordering: 'drop' }, /`ordering` must be 'flag' or 'off'/],
    ['a bad timeout', { secret: 's', timeout: 0 }, /`timeout`/],
    ['a bad respond', { secret: 's', respond: 'no' }, /`respond`/],
    ['a bad dedupe', { secret: 's', dedupe: {} }, /`dedupe`/],
    [
      'schemas for an unknown type',
      { secret: 's', schemas: { ORDER_SHIPED: {} } },
      /`schemas.ORDER_SHIPED`/,
    ],
    [
      'an invalid custom schema',
      { secret: 's', schemas: { ORDER_SHIPPED: { type: 'objet' } } },
      /`schemas.ORDER_SHIPPED` is not a valid JSON Schema/,
    ],
    ['an unknown option', { secret: 's', secrets: ['s'] }, /`secrets` is not an option/],
  ])('%s throws a TypeError naming it', (_label, options, message) => {
    expect(create(options)).toThrow(TypeError);
    expect(create(options)).toThrow(message);
  });

  test('a secret never appears in an option error', () => {
    const secret = ' very-secret-value ';
    expect(create({ secret })).toThrow(TypeError);
    try {
      create({ secret })();
    } catch (error) {
      expect(String(error)).not.toContain('very-secret-value');
    }
  });

  test.each([1024, '1mb', '512kb', '5 MB', '100b'])('limit %p is accepted', (limit) => {
    expect(create({ secret: 's', limit })).not.toThrow();
  });

  test('every documented option is accepted', () => {
    expect(
      create({
        secret: ['a', 'b'],
        limit: '2mb',
        validation: 'off',
        schemas: {},
        dedupe: false,
        timeout: 5000,
        ack: 'immediate',
        unknownTopics: 'reject',
        ordering: 'off',
        respond: false,
      }),
    ).not.toThrow();
  });
});
