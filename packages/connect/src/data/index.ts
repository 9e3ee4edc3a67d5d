export { DataError, SchemaBuilderError } from './data-error.js';
export { Decimal, type DecimalRounding } from './decimal.js';
export { bigintToTwosComplement, DecimalType, twosComplementToBigint } from './decimal-type.js';
export { INT64_MAX, INT64_MIN, type Int64, int64ToString, isInt64, normalizeInt64 } from './int64.js';
export {
  DATE_LOGICAL_NAME,
  DECIMAL_LOGICAL_NAME,
  type LogicalKind,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from './logical-type-names.js';
export {
  type Field,
  isPrimitiveType,
  SCHEMA_TYPES,
  Schema,
  type SchemaInit,
  type SchemaType,
  schemaEquals,
} from './schema.js';
export { NULL_SCHEMA_AND_VALUE, type SchemaAndValue } from './schema-and-value.js';
export { SchemaBuilder, type SchemaLike } from './schema-builder.js';
export { Schemas } from './schemas.js';
export { Struct, validateValue } from './struct.js';
export { DateType, TimestampType, TimeType } from './temporal-types.js';
export { valuesEqual } from './value-equality.js';
