import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfigProviders } from './config-providers.js';
import { ConfigTransformer, hasReference, restoreReferences } from './config-transformer.js';
import {
  configProviderSettings,
  DIRECTORY_CONFIG_PROVIDER,
  ENV_VAR_CONFIG_PROVIDER,
  FILE_CONFIG_PROVIDER,
} from './provider-settings.js';

const ref = (inner: string) => `$\{${inner}}`;
const base = mkdtempSync(join(tmpdir(), 'providers-'));
const secrets = join(base, 'secrets');
const elsewhere = join(base, 'elsewhere');
mkdirSync(secrets);
mkdirSync(elsewhere);
writeFileSync(join(secrets, 'db.properties'), 'user=app\npassword=s3cret\n');
writeFileSync(join(secrets, 'api-key'), 'k-123');
writeFileSync(join(elsewhere, 'other.properties'), 'password=nope\n');
symlinkSync(join(elsewhere, 'other.properties'), join(secrets, 'link.properties'));

function transformer(extra: [string, string][] = []) {
  const settings = configProviderSettings(
    new Map([
      ['config.providers', 'file,dir,env'],
      ['config.providers.file.class', FILE_CONFIG_PROVIDER],
      ['config.providers.file.param.allowed.paths', secrets],
      ['config.providers.dir.class', DIRECTORY_CONFIG_PROVIDER],
      ['config.providers.env.class', ENV_VAR_CONFIG_PROVIDER],
      ['config.providers.env.param.allowlist.pattern', 'APP_.*'],
      ...extra,
    ]),
  );
  return new ConfigTransformer(createConfigProviders(settings, { APP_TOKEN: 't-1', HOME: '/root' }));
}

describe('config providers', () => {
  it('resolves file, directory and env references, in whole values and inside text', () => {
    const t = transformer();
    const resolved = t.resolve({
      'connection.user': ref(`file:${join(secrets, 'db.properties')}:user`),
      'connection.password': ref(`file:${join(secrets, 'db.properties')}:password`),
      'api.key': ref(`dir:${secrets}:api-key`),
      'connection.url': `jdbc:x://h/db?token=${ref('env:APP_TOKEN')}&a=1`,
      'table.name.format': ref('topic'),
    });
    expect(resolved.config).toEqual({
      'connection.user': 'app',
      'connection.password': 's3cret',
      'api.key': 'k-123',
      'connection.url': 'jdbc:x://h/db?token=t-1&a=1',
      'table.name.format': ref('topic'),
    });
    expect([...resolved.resolvedKeys].sort()).toEqual([
      'api.key',
      'connection.password',
      'connection.url',
      'connection.user',
    ]);
  });

  it('reports, never quotes values: unknown provider, missing key, allow-lists, paths out of the directory', () => {
    const t = transformer();
    const { errors, config } = t.transform({
      a: ref('vault:secret/x:y'),
      b: ref(`file:${join(secrets, 'db.properties')}:nokey`),
      c: ref(`file:${join(elsewhere, 'other.properties')}:password`),
      d: ref(`file:${join(secrets, 'link.properties')}:password`),
      e: ref(`file:${secrets}/../elsewhere/other.properties:password`),
      f: ref('env:HOME'),
      g: ref(`dir:${secrets}:../elsewhere/other.properties`),
      h: ref('env:APP_MISSING'),
      i: ref('env:/x:APP_TOKEN'),
    });
    expect(Object.fromEntries([...errors].map(([k, v]) => [k, v.join()]))).toEqual({
      a: expect.stringContaining("no config provider 'vault'"),
      b: expect.stringContaining("has no key 'nokey'"),
      c: expect.stringContaining('outside config.providers.file.param.allowed.paths'),
      d: expect.stringContaining('outside config.providers.file.param.allowed.paths'),
      e: expect.stringContaining('outside config.providers.file.param.allowed.paths'),
      f: expect.stringContaining('allowlist.pattern'),
      g: expect.stringContaining('has no file'),
      h: expect.stringContaining('is not set'),
      i: expect.stringContaining('takes no path'),
    });
    expect(JSON.stringify([...errors])).not.toContain('nope');
    expect(config.a).toBe(ref('vault:secret/x:y'));
    expect(() => t.resolve({ a: ref('vault:x:y') })).toThrow(/a: Cannot resolve/);
  });

  it('refuses unknown provider classes, unlisted aliases and unknown parameters at start-up', () => {
    expect(() => transformer([['config.providers.file.param.allowed.pathz', '/x']])).toThrow(/allowed.pathz/);
    expect(() =>
      configProviderSettings(new Map([['config.providers.vault.class', FILE_CONFIG_PROVIDER]])),
    ).toThrow(/does not list 'vault'/);
    expect(() =>
      configProviderSettings(
        new Map([
          ['config.providers', 'v'],
          ['config.providers.v.class', 'com.example.Vault'],
        ]),
      ),
    ).toThrow(/not a config provider this worker has/);
    expect(() => configProviderSettings(new Map([['config.providers', 'v']]))).toThrow(/class is not set/);
  });

  it('puts references back into generated task configs (nothing resolved reaches connect-configs)', () => {
    const raw = { 'connection.password': ref('env:APP_TOKEN'), topics: 'a', 'x.y': 'plain' };
    expect(restoreReferences(raw, { 'connection.password': 't-1', topics: 'a', 'task.class': 'C' })).toEqual({
      'connection.password': ref('env:APP_TOKEN'),
      topics: 'a',
      'task.class': 'C',
    });
    expect(hasReference(ref('topic'))).toBe(false);
    expect(hasReference(ref('env:X'))).toBe(true);
  });
});
