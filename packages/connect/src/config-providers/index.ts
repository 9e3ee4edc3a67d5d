export { type ConfigProvider, ConfigProviderError, createConfigProviders } from './config-providers.js';
export {
  ConfigTransformer,
  hasReference,
  type ResolvedConfig,
  restoreReferences,
} from './config-transformer.js';
export {
  type ConfigProviderSettings,
  configProviderSettings,
  DIRECTORY_CONFIG_PROVIDER,
  ENV_VAR_CONFIG_PROVIDER,
  FILE_CONFIG_PROVIDER,
} from './provider-settings.js';
