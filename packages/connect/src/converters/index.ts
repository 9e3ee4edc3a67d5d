export type { FloatFormat } from '../data/java-number-text.js';
export { javaDoubleToString, javaFloatToString } from '../data/java-number-text.js';
export { ByteArrayConverter } from './byte-array-converter.js';
export type { Converter, ConverterConfig, HeaderConverter } from './converter.js';
export {
  type ConverterFactory,
  ConverterRegistry,
  converterRegistry,
  createConverter,
} from './converter-registry.js';
export type { DecimalFormat } from './json/connect-to-json.js';
export {
  ENVELOPE_REQUIRED_MESSAGE,
  JsonConverter,
  JsonConverterKeys,
  type JsonConverterSettings,
  jsonConverterSettings,
} from './json/json-converter.js';
export {
  BooleanConverter,
  ClassCastError,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  SerializationError,
  ShortConverter,
} from './number-converters.js';
export { StringConverter } from './string-converter.js';
