import { describe, expect, it } from 'vitest';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import { notFound } from '../errors/connect-error.js';
import { mapError, RestError } from './rest-errors.js';

describe('mapError', () => {
  it("answers a converter's config error 400 with its message", () => {
    expect(mapError(ConfigException.invalid('schemas.enable', 'yes', 'Expected true or false'))).toEqual({
      status: 400,
      body: {
        error_code: 400,
        message: 'Invalid value yes for configuration schemas.enable: Expected true or false',
      },
    });
  });

  it('answers a data error 400', () => {
    expect(mapError(new DataError('Invalid value: null used for required field: "id"')).status).toBe(400);
  });

  it('keeps the status of REST and Connect errors, and 500 for anything else', () => {
    expect(mapError(new RestError(403, 'disabled')).status).toBe(403);
    expect(mapError(notFound('Connector x not found')).status).toBe(404);
    expect(mapError(new TypeError('boom'))).toEqual({
      status: 500,
      body: { error_code: 500, message: 'boom' },
    });
  });
});
