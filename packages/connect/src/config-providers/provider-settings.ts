/**
 * Worker settings for Connect's config providers (KIP-297): `config.providers=file,env` names the
 * aliases, `config.providers.<alias>.class` the provider, `config.providers.<alias>.param.<k>` its
 * settings. Only Apache's three built-in providers exist here; anything else is a start-up error.
 */

export const FILE_CONFIG_PROVIDER = 'org.apache.kafka.common.config.provider.FileConfigProvider';
export const DIRECTORY_CONFIG_PROVIDER = 'org.apache.kafka.common.config.provider.DirectoryConfigProvider';
export const ENV_VAR_CONFIG_PROVIDER = 'org.apache.kafka.common.config.provider.EnvVarConfigProvider';

/** The `param.` keys each provider has in Apache (KIP-993 allowed.paths, KIP-887 allowlist.pattern). */
const PARAMS: Record<string, readonly string[]> = {
  [FILE_CONFIG_PROVIDER]: ['allowed.paths'],
  [DIRECTORY_CONFIG_PROVIDER]: ['allowed.paths'],
  [ENV_VAR_CONFIG_PROVIDER]: ['allowlist.pattern'],
};

export interface ConfigProviderSettings {
  alias: string;
  className: string;
  params: Record<string, string>;
}

export class ConfigProviderSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerConfigError';
  }
}

export function configProviderSettings(props: ReadonlyMap<string, string>): ConfigProviderSettings[] {
  const aliases = (props.get('config.providers') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const key of props.keys()) {
    const alias = /^config\.providers\.([^.]+)\./.exec(key)?.[1];
    if (alias !== undefined && !aliases.includes(alias)) {
      throw new ConfigProviderSettingsError(`${key} is set but config.providers does not list '${alias}'`);
    }
  }
  return aliases.map((alias) => {
    const prefix = `config.providers.${alias}.`;
    const className = props.get(`${prefix}class`)?.trim();
    if (!className)
      throw new ConfigProviderSettingsError(
        `config.providers lists '${alias}' but ${prefix}class is not set`,
      );
    const known = PARAMS[className];
    if (!known) {
      throw new ConfigProviderSettingsError(
        `${prefix}class=${className} is not a config provider this worker has; it has ${Object.keys(PARAMS).join(', ')}`,
      );
    }
    const params: Record<string, string> = {};
    for (const [key, value] of props) {
      if (!key.startsWith(prefix) || key === `${prefix}class`) continue;
      const param = key.startsWith(`${prefix}param.`) ? key.slice(`${prefix}param.`.length) : undefined;
      if (param === undefined || !known.includes(param)) {
        throw new ConfigProviderSettingsError(
          `${key} is not a setting of ${className}; it takes ${known.map((p) => `${prefix}param.${p}`).join(', ')}`,
        );
      }
      params[param] = value;
    }
    return { alias, className, params };
  });
}
