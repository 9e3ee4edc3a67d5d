export {
  type ConfigCheckOptions,
  ConfigDef,
  type ConfigKey,
  type ConfigKeyDefinition,
  configKeyInfo,
  ParsedConfig,
  type RawConfig,
  type Recommender,
  toConfigInfos,
  type ValidatedValue,
} from './config-def.js';
export {
  ConfigException,
  type ConfigType,
  type ConfigValue,
  displayValue,
  HIDDEN,
  type Importance,
  Password,
  type Width,
} from './config-types.js';
export * from './connector-config.js';
export { convertToString, parseType } from './parse-type.js';
export {
  atLeast,
  between,
  caseInsensitiveValidString,
  composite,
  lambda,
  nonEmptyString,
  nonEmptyStringWithoutControlChars,
  nonNull,
  regex,
  type Validator,
  validList,
  validString,
} from './validators.js';
