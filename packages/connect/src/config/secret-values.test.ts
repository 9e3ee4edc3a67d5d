import { describe, expect, it } from 'vitest';
import { rememberSecret, scrubKnownSecrets } from '../logging/known-secrets.js';
import { redactJsonLine } from '../logging/redaction.js';
import { ConfigDef } from './config-def.js';
import { maskSecrets, restoreHiddenSecrets, secretKeys } from './secret-values.js';

const ref = (inner: string) => `$\{${inner}}`;
const def = new ConfigDef().define({
  name: 'db.key',
  type: 'PASSWORD',
  importance: 'HIGH',
  documentation: 'a PASSWORD-typed key whose name does not look secret',
});

describe('secret config values', () => {
  it('masks PASSWORD-typed and secret-named values, keeps provider references visible', () => {
    const config = {
      'connection.password': 'pw-1',
      'db.key': 'k-1',
      'sasl.jaas.config': 'x required password="p";',
      'connection.user': 'app',
      'api.token': ref('env:TOKEN'),
      'empty.password': '',
    };
    expect(secretKeys(config, def).sort()).toEqual([
      'api.token',
      'connection.password',
      'db.key',
      'empty.password',
      'sasl.jaas.config',
    ]);
    expect(maskSecrets(config, def)).toEqual({
      'connection.password': '[hidden]',
      'db.key': '[hidden]',
      'sasl.jaas.config': '[hidden]',
      'connection.user': 'app',
      'api.token': ref('env:TOKEN'),
      'empty.password': '',
    });
  });

  it('takes the PASSWORD keys as a ConfigDef or as the names a validate answer declares', () => {
    const config = { 'db.key': 'k1', 'service.api.key': 'k2', topics: 'orders' };
    expect(secretKeys(config, def).sort()).toEqual(['db.key', 'service.api.key']);
    expect(secretKeys(config, new Set(['db.key'])).sort()).toEqual(['db.key', 'service.api.key']);
    expect(secretKeys(config)).toEqual(['service.api.key']);
    expect(maskSecrets(config, new Set(['db.key']))).toEqual({
      'db.key': '[hidden]',
      'service.api.key': '[hidden]',
      topics: 'orders',
    });
  });

  it("takes '[hidden]' written back as the stored value, and reports it when nothing is stored", () => {
    const stored = { 'connection.password': 'pw-1', 'db.key': 'k-1' };
    expect(restoreHiddenSecrets({ 'connection.password': '[hidden]', 'db.key': 'k-2' }, stored, def)).toEqual(
      {
        config: { 'connection.password': 'pw-1', 'db.key': 'k-2' },
        unresolved: [],
      },
    );
    expect(restoreHiddenSecrets({ 'db.key': '[hidden]' }, undefined, def).unresolved).toEqual(['db.key']);
  });

  it('hides passwords inside URLs and keeps the stored URL when the masked one is written back', () => {
    const stored = { 'connection.url': 'jdbc:mysql://db:3306/shop?user=app&password=pw-9&ssl=true' };
    const masked = maskSecrets(stored);
    expect(masked['connection.url']).toBe('jdbc:mysql://db:3306/shop?user=app&password=[hidden]&ssl=true');
    expect(maskSecrets({ url: 'postgresql://app:pw-9@db/shop' }).url).toBe(
      'postgresql://app:[hidden]@db/shop',
    );
    expect(restoreHiddenSecrets(masked, stored).config).toEqual(stored);
    const edited = { 'connection.url': masked['connection.url']?.replace('shop', 'shop2') ?? '' };
    expect(restoreHiddenSecrets(edited, stored).config).toEqual(edited);
  });

  it('scrubs remembered secrets from free text and JSON log lines, raw or escaped', () => {
    rememberSecret('p"w\\-remembered');
    rememberSecret('abc'); // too short to track
    expect(scrubKnownSecrets('login failed for p"w\\-remembered at abc')).toBe(
      'login failed for [hidden] at abc',
    );
    const line = JSON.stringify({
      msg: 'driver said: p"w\\-remembered',
      err: { stack: 'x p"w\\-remembered' },
    });
    expect(redactJsonLine(line)).not.toContain('remembered');
  });
});
