import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BASIC_AUTH_EXTENSION,
  loadRestCredentials,
  parseJaasConfig,
  restSecuritySettings,
} from './rest-security-config.js';
import { workerConfig } from './worker-config.js';

const dir = mkdtempSync(join(tmpdir(), 'rest-security-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const jaas = (credentials: string) =>
  file(
    `jaas-${Math.random()}.conf`,
    `/* Apache's example */\nKafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file="${credentials}";\n};\n`,
  );

describe('worker REST settings', () => {
  it('listens on 127.0.0.1 by default, and refuses every interface without authentication', () => {
    expect(workerConfig(new Map(), {})).toMatchObject({ restHost: '127.0.0.1', restPort: 8083 });
    expect(workerConfig(new Map([['listeners', 'HTTP://localhost:9000']]), {}).restHost).toBe('localhost');
    for (const listeners of [
      'HTTP://:8083',
      'http://0.0.0.0:8083',
      'HTTP://10.1.2.3:8083',
      'HTTP://[::]:8083',
    ]) {
      expect(() => workerConfig(new Map([['listeners', listeners]]), {})).toThrow(
        /listeners=.* beyond loopback .* without authentication/,
      );
    }
    const withToken = workerConfig(
      new Map([
        ['listeners', 'HTTP://:8083'],
        ['rest.auth.bearer.token.file', '/run/secrets/connect-token'],
      ]),
      {},
    );
    expect(withToken).toMatchObject({ restHost: '0.0.0.0', restSecurity: { enabled: true } });
  });

  it('takes the JAAS path from the worker setting or from KAFKA_OPTS, as Apache users set it', () => {
    const ext = ['rest.extension.classes', BASIC_AUTH_EXTENSION] as const;
    expect(
      restSecuritySettings(new Map([ext, ['java.security.auth.login.config', '/etc/connect/jaas.conf']]), {}),
    ).toEqual({ enabled: true, jaasConfigFile: '/etc/connect/jaas.conf', bearerTokenFile: undefined });
    expect(
      restSecuritySettings(new Map([ext]), {
        KAFKA_OPTS: '-Xmx1g -Djava.security.auth.login.config=/opt/jaas.conf',
      }).jaasConfigFile,
    ).toBe('/opt/jaas.conf');
    expect(() => restSecuritySettings(new Map([ext]), {})).toThrow(/needs a JAAS file/);
    expect(() => restSecuritySettings(new Map([['rest.extension.classes', 'com.example.Ext']]), {})).toThrow(
      /cannot load/,
    );
    expect(() => restSecuritySettings(new Map([['java.security.auth.login.config', '/x']]), {})).toThrow(
      /nothing would read it/,
    );
  });

  it('reads Apache-shaped JAAS and credentials files; refuses empty, malformed or foreign ones', () => {
    const credentials = file('users.properties', '# users\nalice: pw-a\nbob=pw-b\n');
    const loaded = loadRestCredentials({
      enabled: true,
      jaasConfigFile: jaas(credentials),
      bearerTokenFile: undefined,
    });
    expect([...(loaded.basicUsers ?? [])]).toEqual([
      ['alice', 'pw-a'],
      ['bob', 'pw-b'],
    ]);
    expect(() =>
      loadRestCredentials({
        enabled: true,
        jaasConfigFile: jaas(file('empty', '')),
        bearerTokenFile: undefined,
      }),
    ).toThrow(/holds no user/);
    const other = file('other.conf', 'KafkaServer { com.example.Module required; };');
    expect(() =>
      loadRestCredentials({ enabled: true, jaasConfigFile: other, bearerTokenFile: undefined }),
    ).toThrow(/no KafkaConnect/);
    expect(() =>
      loadRestCredentials({
        enabled: true,
        jaasConfigFile: join(dir, 'missing.conf'),
        bearerTokenFile: undefined,
      }),
    ).toThrow(/ENOENT/);
    expect(() =>
      loadRestCredentials({
        enabled: true,
        jaasConfigFile: undefined,
        bearerTokenFile: file('short', 'abc\n'),
      }),
    ).toThrow(/at least 16/);
    const token = loadRestCredentials({
      enabled: true,
      jaasConfigFile: undefined,
      bearerTokenFile: file('token', 'abcdefghijklmnopqrstuvwxyz\n'),
    });
    expect(token.bearerToken).toBe('abcdefghijklmnopqrstuvwxyz');
  });

  it('parses JAAS entries with several modules, options and comments', () => {
    const entries = parseJaasConfig(
      'A { x.Y required k="v 1" n=2; // c\n z.W optional; };\nB{q.R sufficient;};',
    );
    expect(entries.get('A')).toEqual([
      {
        className: 'x.Y',
        flag: 'required',
        options: new Map([
          ['k', 'v 1'],
          ['n', '2'],
        ]),
      },
      { className: 'z.W', flag: 'optional', options: new Map() },
    ]);
    expect(entries.get('B')?.[0]?.flag).toBe('sufficient');
    expect(() => parseJaasConfig('A { x.Y required k; };')).toThrow(/Malformed/);
  });
});

describe('worker properties with config provider references', () => {
  it('resolves them with the providers the worker configures, and refuses what cannot be resolved', () => {
    const providers: [string, string][] = [
      ['config.providers', 'env'],
      ['config.providers.env.class', 'org.apache.kafka.common.config.provider.EnvVarConfigProvider'],
    ];
    const config = workerConfig(new Map([...providers, ['group.id', `$\{env:GROUP}`]]), { GROUP: 'g-1' });
    expect(config.groupId).toBe('g-1');
    expect(() => workerConfig(new Map([...providers, ['group.id', `$\{env:NOPE}`]]), {})).toThrow(
      /group.id: Cannot resolve .* is not set/,
    );
  });
});
