import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyError, ERROR_CATALOGUE, ServiceError } from './service-errors.js';

const readme = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md'),
  'utf8',
);

describe('error catalogue', () => {
  it('is the table README documents, code for code and status for status', () => {
    const section = readme.slice(readme.indexOf('### Errors'));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)`\s*\| (\d{3})\s*\|$/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    const actual = Object.entries(ERROR_CATALOGUE).map(([code, entry]) => [code, entry.status]);
    expect(documented).toEqual(actual);
  });

  it('sorts framework, driver and unknown errors into the catalogue', () => {
    expect(classifyError(new ServiceError('PRICE_CHANGED')).code).toBe('PRICE_CHANGED');
    expect(classifyError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(classifyError({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400, message: 'x' }).code).toBe(
      'INVALID_JSON',
    );
    expect(classifyError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }).code).toBe(
      'DATABASE_UNAVAILABLE',
    );
    expect(classifyError(new Error('secret detail'))).toEqual({ code: 'INTERNAL_ERROR' });
  });
});
