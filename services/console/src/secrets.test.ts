import { describe, expect, it } from 'vitest';
import { MASK, maskConfig, scrub, secretValues, unmaskConfig } from './secrets.js';

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
    const declared = new Set(['a']);
    expect(unmaskConfig({ a: MASK, b: 'new' }, { a: 'old', b: 'x' }, declared)).toEqual({
      a: 'old',
      b: 'new',
    });
    expect(() => unmaskConfig({ a: MASK }, undefined, declared)).toThrow(
      "'a' is masked but the connector has no stored value",
    );
    // An msa-sync worker shows its stored secret hidden too: sent back hidden, the worker keeps it.
    expect(unmaskConfig({ 'db.password': MASK }, { 'db.password': MASK })).toEqual({ 'db.password': MASK });
  });

  it("uses the worker's marker and name rule, so both hide the same keys the same way", () => {
    expect(MASK).toBe('[hidden]');
    expect(
      maskConfig({ 'consumer.override.sasl.jaas.config': 'x', 'my.api_key': 'k', topics: 'orders' }),
    ).toEqual({
      'consumer.override.sasl.jaas.config': MASK,
      'my.api_key': MASK,
      topics: 'orders',
    });
  });
});

describe('passwords inside URLs', () => {
  const url = 'jdbc:postgresql://db:5432/shop?user=app&password=pa55word';
  it('shows the URL with its password hidden and takes it back as the stored one', () => {
    expect(maskConfig({ 'connection.url': url })).toEqual({
      'connection.url': 'jdbc:postgresql://db:5432/shop?user=app&password=[hidden]',
    });
    const shown = maskConfig({ 'connection.url': url })['connection.url'] as string;
    expect(unmaskConfig({ 'connection.url': shown }, { 'connection.url': url })).toEqual({
      'connection.url': url,
    });
    const changed = 'jdbc:postgresql://db2:5432/shop';
    expect(unmaskConfig({ 'connection.url': changed }, { 'connection.url': url })).toEqual({
      'connection.url': changed,
    });
  });

  it('finds the password in a URL and in user:password@ as a secret to scrub from messages', () => {
    const secrets = secretValues(
      { 'connection.url': url, other: 'mysql://root:t0psecret@host/db', 'connection.password': 'abc' },
      new Set(),
    );
    expect(secrets).toEqual(['t0psecret', 'pa55word', 'abc']);
    expect(scrub('failed to connect to db with pa55word', secrets)).toBe(
      `failed to connect to db with ${MASK}`,
    );
  });
});
