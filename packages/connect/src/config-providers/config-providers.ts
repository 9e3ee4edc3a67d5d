import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { parseJavaProperties } from '../worker/java-properties.js';
import {
  type ConfigProviderSettings,
  ConfigProviderSettingsError,
  DIRECTORY_CONFIG_PROVIDER,
  ENV_VAR_CONFIG_PROVIDER,
  FILE_CONFIG_PROVIDER,
} from './provider-settings.js';

/** A failure to resolve one reference; the message never carries a resolved value. */
export class ConfigProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigException';
  }
}

/** Apache's ConfigProvider: values for keys under a path (the path's meaning is the provider's). */
export interface ConfigProvider {
  get(path: string | undefined, key: string): string;
}

/** KIP-993's allowed.paths: a reference outside every listed directory is refused. Unset: anywhere. */
function allowedPaths(value: string | undefined, setting: string): (path: string) => string {
  const roots = (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const root of roots) {
    if (!isAbsolute(root))
      throw new ConfigProviderSettingsError(`${setting} takes absolute paths, got '${root}'`);
  }
  return (path) => {
    if (!isAbsolute(path)) throw new ConfigProviderError(`'${path}' is not an absolute path`);
    if (roots.length === 0) return path;
    let real: string;
    try {
      // Symlinks and `..` resolved first: what counts is where the file really is.
      real = realpathSync(path);
    } catch (error) {
      throw new ConfigProviderError(`cannot read '${path}': ${(error as NodeJS.ErrnoException).code}`);
    }
    const inside = roots.some((root) => {
      let realRoot = root;
      try {
        realRoot = realpathSync(root);
      } catch {
        // a root that does not exist holds nothing
      }
      return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
    });
    if (!inside) throw new ConfigProviderError(`'${path}' is outside ${setting} (${roots.join(',')})`);
    return real;
  };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigProviderError(`cannot read '${path}': ${(error as NodeJS.ErrnoException).code}`);
  }
}

/** FileConfigProvider: `${file:/path/to/file.properties:key}` is `key` of that properties file. */
function fileProvider(settings: ConfigProviderSettings): ConfigProvider {
  const allowed = allowedPaths(
    settings.params['allowed.paths'],
    `config.providers.${settings.alias}.param.allowed.paths`,
  );
  return {
    get(path, key) {
      if (!path) throw new ConfigProviderError('FileConfigProvider needs a file path');
      const value = parseJavaProperties(readText(allowed(path))).get(key);
      if (value === undefined) throw new ConfigProviderError(`'${path}' has no key '${key}'`);
      return value;
    },
  };
}

/** DirectoryConfigProvider: `${dir:/run/secrets:db-password}` is the content of that file in that directory. */
function directoryProvider(settings: ConfigProviderSettings): ConfigProvider {
  const allowed = allowedPaths(
    settings.params['allowed.paths'],
    `config.providers.${settings.alias}.param.allowed.paths`,
  );
  return {
    get(path, key) {
      if (!path) throw new ConfigProviderError('DirectoryConfigProvider needs a directory path');
      const dir = allowed(path);
      // Only the directory's own regular files, as Apache's: no subdirectories, no way out.
      if (key.includes('/') || key === '..' || key === '.' || !readdirSync(dir).includes(key)) {
        throw new ConfigProviderError(`'${path}' has no file '${key}'`);
      }
      const file = join(dir, key);
      if (!statSync(file).isFile()) throw new ConfigProviderError(`'${path}' has no file '${key}'`);
      return readText(file);
    },
  };
}

/** EnvVarConfigProvider: `${env:NAME}`, limited to names matching allowlist.pattern (default: all). */
function envProvider(settings: ConfigProviderSettings, env: NodeJS.ProcessEnv): ConfigProvider {
  const setting = `config.providers.${settings.alias}.param.allowlist.pattern`;
  let allow: RegExp;
  try {
    allow = new RegExp(`^(?:${settings.params['allowlist.pattern'] ?? '.*'})$`);
  } catch (error) {
    throw new ConfigProviderSettingsError(
      `${setting} is not a valid regular expression: ${(error as Error).message}`,
    );
  }
  return {
    get(path, key) {
      if (path)
        throw new ConfigProviderError(`EnvVarConfigProvider takes no path: write \${${settings.alias}:NAME}`);
      if (!allow.test(key))
        throw new ConfigProviderError(`environment variable '${key}' does not match ${setting}`);
      const value = env[key];
      if (value === undefined) throw new ConfigProviderError(`environment variable '${key}' is not set`);
      return value;
    },
  };
}

export function createConfigProviders(
  settings: readonly ConfigProviderSettings[],
  env: NodeJS.ProcessEnv = process.env,
): Map<string, ConfigProvider> {
  const providers = new Map<string, ConfigProvider>();
  for (const s of settings) {
    if (s.className === FILE_CONFIG_PROVIDER) providers.set(s.alias, fileProvider(s));
    else if (s.className === DIRECTORY_CONFIG_PROVIDER) providers.set(s.alias, directoryProvider(s));
    else if (s.className === ENV_VAR_CONFIG_PROVIDER) providers.set(s.alias, envProvider(s, env));
  }
  return providers;
}
