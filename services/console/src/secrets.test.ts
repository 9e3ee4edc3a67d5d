import { describe, expect, it } from 'vitest';
import { MASK, maskConfig, unmaskConfig } from './secrets.js';

/** An externalized secret, as Connect's config providers read them: a reference, not the secret. */
const reference = ['$', '{file:/etc/secrets:pw}'].join('');

describe('secrets', () => {
  it('masks declared passwords and secret-looking names, but not converters or file references', () => {
    const config = {
      'connection.password': 'pw',
      'api.key': 'k',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'sasl.jaas.config': 'x required password="p";',
      'connection.user': 'root',
      'db.pass': 'p2',
      'ref.password': reference,
    };
    expect(maskConfig(config, new Set(['db.pass']))).toEqual({
      'connection.password': MASK,
      'api.key': MASK,
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'sasl.jaas.config': MASK,
      'connection.user': 'root',
      'db.pass': MASK,
      'ref.password': reference,
    });
  });

  it('puts the stored value back for a masked one and refuses a mask with nothing stored', () => {
    expect(unmaskConfig({ a: MASK, b: 'new' }, { a: 'old', b: 'x' })).toEqual({ a: 'old', b: 'new' });
    expect(() => unmaskConfig({ a: MASK }, undefined)).toThrow(
      "'a' is masked but the connector has no stored value",
    );
  });
});
