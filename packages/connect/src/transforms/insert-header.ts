import { ConfigDef } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import { nonNull } from '../config/validators.js';
import { parseHeaderLiteral, UnrepresentableLiteralError } from './header-literal-values.js';
import { transformationPlugin } from './key-value-plugins.js';
import { type TransformationPlugin, withChanges } from './transformation.js';

const HEADER = 'header';
const VALUE_LITERAL = 'value.literal';

export const INSERT_HEADER_CONFIG_DEF = new ConfigDef()
  .define({
    name: HEADER,
    type: 'STRING',
    validator: nonNull(),
    importance: 'HIGH',
    documentation: 'Key of the header added to each record.',
  })
  .define({
    name: VALUE_LITERAL,
    type: 'STRING',
    validator: nonNull(),
    importance: 'HIGH',
    documentation:
      "Value of the added header, written as a literal whose schema is inferred (Connect's Values.parseString): true/false, numbers, ISO-8601 dates and times, [arrays], {maps}, or else a string.",
  });

/**
 * `InsertHeader`: appends a header `header` to every record (after any existing headers, even
 * with the same key). `value.literal` is parsed once, as Apache's `Values.parseString` parses it
 * (see header-literal-values.ts): `42` becomes an int8 header, `2024-01-31` a Date, `[1,2]` an
 * array of int8, `null` a header without schema or value, anything else a string.
 */
export const insertHeaderPlugins: TransformationPlugin[] = [
  transformationPlugin('InsertHeader', INSERT_HEADER_CONFIG_DEF, (props) => {
    const config = INSERT_HEADER_CONFIG_DEF.parse(props);
    const key = config.getString(HEADER) ?? '';
    const literal = config.getString(VALUE_LITERAL);
    let parsed: ReturnType<typeof parseHeaderLiteral>;
    try {
      parsed = parseHeaderLiteral(literal);
    } catch (error) {
      if (error instanceof UnrepresentableLiteralError) {
        throw ConfigException.invalid(
          VALUE_LITERAL,
          literal,
          `cannot be held by this worker: ${error.message}`,
        );
      }
      throw error;
    }
    const schema = parsed.schema ?? undefined;
    const value = parsed.value;
    return {
      apply(record) {
        return withChanges(record, { headers: [...(record.headers ?? []), { key, schema, value }] });
      },
    };
  }),
];
