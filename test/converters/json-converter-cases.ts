import {
  DateType,
  Decimal,
  DecimalType,
  type Schema,
  SchemaBuilder,
  Schemas,
  Struct,
  TimestampType,
  TimeType,
} from '../../packages/connect/src/data/index.js';

/**
 * The cases both JsonConverters (Kafka's and ours) run. `input` is handwritten JSON, independent
 * of our writer: both sides read it with toConnectData and write the result back with
 * fromConnectData, and the bytes must be identical. Where `build` is given, the same data built
 * with our data API must serialise to those bytes too.
 */
export interface CompatCase {
  name: string;
  /** JSON text (encoded as UTF-8), or raw bytes. */
  input: string | Buffer;
  read?: Record<string, string>;
  write?: Record<string, string>;
  build?: () => { schema: Schema | null; value: unknown };
  /** `same` (default): equal bytes. `error`: both fail. `ts-stricter`: Java accepts, we refuse. */
  outcome?: 'same' | 'error' | 'ts-stricter';
  /** Hand-checked output text, pinned as well. */
  expected?: string;
  /** Text our error message must contain. */
  tsError?: string;
}

/** Non-finite and negative-zero floats: values JSON input cannot carry, written directly. */
export interface SpecialFloatCase {
  name: string;
  type: 'float64' | 'float32';
  value: string;
  write?: Record<string, string>;
}

const env = (schema: unknown, payload: string): string =>
  `{"schema":${JSON.stringify(schema)},"payload":${payload}}`;
const TS = 'org.apache.kafka.connect.data.Timestamp';
const DATE = 'org.apache.kafka.connect.data.Date';
const TIME = 'org.apache.kafka.connect.data.Time';
const DEC = 'org.apache.kafka.connect.data.Decimal';
const dec = (scale: number, extra: object = {}) => ({
  type: 'bytes',
  name: DEC,
  version: 1,
  parameters: { scale: String(scale) },
  ...extra,
});
const ENVELOPE_MESSAGE = 'JsonConverter with schemas.enable requires "schema" and "payload" fields';

const users1Schema = () =>
  SchemaBuilder.struct()
    .name('users1')
    .field('id', Schemas.INT32)
    .field('user_id', Schemas.OPTIONAL_STRING)
    .field('pwd', Schemas.OPTIONAL_STRING)
    .field('name', Schemas.OPTIONAL_STRING)
    .field('created_at', TimestampType.builder().optional())
    .build();

const primitive = (type: string, schema: Schema, payload: string, value: unknown): CompatCase => ({
  name: `${type} ${payload}`,
  input: env({ type }, payload),
  build: () => ({ schema, value }),
});

export const compatCases: CompatCase[] = [
  // The seed's record, verbatim.
  {
    name: 'seed users1 record',
    input:
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"user_id"},{"type":"string","optional":true,"field":"pwd"},{"type":"string","optional":true,"field":"name"},{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],"optional":false,"name":"users1"},"payload":{"id":7,"user_id":"user4","pwd":"user4444","name":"User4 name","created_at":1680643371000}}',
    expected:
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"user_id"},{"type":"string","optional":true,"field":"pwd"},{"type":"string","optional":true,"field":"name"},{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],"optional":false,"name":"users1"},"payload":{"id":7,"user_id":"user4","pwd":"user4444","name":"User4 name","created_at":1680643371000}}',
    build: () => {
      const schema = users1Schema();
      return {
        schema,
        value: new Struct(schema)
          .put('id', 7)
          .put('user_id', 'user4')
          .put('pwd', 'user4444')
          .put('name', 'User4 name')
          .put('created_at', new Date(1680643371000)),
      };
    },
  },
  {
    name: 'seed users1 record without schemas',
    input:
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"user_id"},{"type":"string","optional":true,"field":"pwd"},{"type":"string","optional":true,"field":"name"},{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],"optional":false,"name":"users1"},"payload":{"id":8,"user_id":null,"pwd":"p","name":"N","created_at":null}}',
    write: { 'schemas.enable': 'false' },
    expected: '{"id":8,"user_id":null,"pwd":"p","name":"N","created_at":null}',
    build: () => {
      const schema = users1Schema();
      return { schema, value: new Struct(schema).put('id', 8).put('pwd', 'p').put('name', 'N') };
    },
  },

  // Every primitive type, required, at its edges.
  primitive('int8', Schemas.INT8, '127', 127),
  primitive('int8', Schemas.INT8, '-128', -128),
  primitive('int16', Schemas.INT16, '-32768', -32768),
  primitive('int32', Schemas.INT32, '2147483647', 2147483647),
  primitive('int32', Schemas.INT32, '-2147483648', -2147483648),
  primitive('int64', Schemas.INT64, '9007199254740993', 9007199254740993n),
  primitive('int64', Schemas.INT64, '9223372036854775807', 9223372036854775807n),
  primitive('int64', Schemas.INT64, '-9223372036854775808', -9223372036854775808n),
  primitive('int64', Schemas.INT64, '0', 0),
  primitive('double', Schemas.FLOAT64, '0.1', 0.1),
  primitive('double', Schemas.FLOAT64, '1', 1),
  primitive('double', Schemas.FLOAT64, '1e21', 1e21),
  primitive('double', Schemas.FLOAT64, '1e-7', 1e-7),
  primitive('double', Schemas.FLOAT64, '1e7', 1e7),
  primitive('double', Schemas.FLOAT64, '9999999', 9999999),
  primitive('double', Schemas.FLOAT64, '0.001', 0.001),
  primitive('double', Schemas.FLOAT64, '0.0001', 0.0001),
  primitive('double', Schemas.FLOAT64, '1e10', 1e10),
  primitive('double', Schemas.FLOAT64, '-123.456', -123.456),
  primitive('double', Schemas.FLOAT64, '2e23', 2e23),
  primitive('double', Schemas.FLOAT64, '5e-324', 5e-324),
  primitive('double', Schemas.FLOAT64, '1.7976931348623157e308', 1.7976931348623157e308),
  primitive('double', Schemas.FLOAT64, '9007199254740993', 9007199254740992),
  primitive('float', Schemas.FLOAT32, '0.1', 0.1),
  primitive('float', Schemas.FLOAT32, '3.4028235e38', 3.4028235e38),
  primitive('float', Schemas.FLOAT32, '1.4e-45', 1.4e-45),
  primitive('float', Schemas.FLOAT32, '1.17549435e-38', 1.17549435e-38),
  primitive('float', Schemas.FLOAT32, '1e21', 1e21),
  primitive('float', Schemas.FLOAT32, '1e-7', 1e-7),
  primitive('float', Schemas.FLOAT32, '49601768', 49601768),
  primitive('float', Schemas.FLOAT32, '16777217', 16777216),
  primitive('boolean', Schemas.BOOLEAN, 'true', true),
  primitive('boolean', Schemas.BOOLEAN, 'false', false),
  primitive('string', Schemas.STRING, '""', ''),
  primitive('string', Schemas.STRING, '"plain ascii"', 'plain ascii'),
  primitive('bytes', Schemas.BYTES, '"AAEC/f7/"', Buffer.from([0, 1, 2, 253, 254, 255])),
  primitive('bytes', Schemas.BYTES, '""', Buffer.alloc(0)),
  {
    name: 'string with characters Jackson escapes and characters it does not',
    input: env(
      { type: 'string' },
      JSON.stringify(
        'q"b\\s/ nl\n tab\t cr\r bs\b ff\f nul\u0000 us\u001f del\u007f ls\u2028 é 한글 😀 \ud800 lone',
      ),
    ),
    build: () => ({
      schema: Schemas.STRING,
      value: 'q"b\\s/ nl\n tab\t cr\r bs\b ff\f nul\u0000 us\u001f del\u007f ls\u2028 é 한글 😀 \ud800 lone',
    }),
  },
  {
    name: 'string escapes in the input written canonically',
    input: env({ type: 'string' }, '"\\u0041\\u00e9\\/\\uD83D\\uDE00\\u001F"'),
    expected: '{"schema":{"type":"string","optional":false},"payload":"Aé/\\uD83D\\uDE00\\u001F"}',
  },

  // Optional types with null values.
  ...(['int8', 'int16', 'int32', 'int64', 'float', 'double', 'boolean', 'string', 'bytes'] as const).map(
    (type): CompatCase => ({
      name: `optional ${type} null`,
      input: env({ type, optional: true }, 'null'),
      build: () => ({
        schema: new SchemaBuilder(jsonTypeToSchemaType(type)).optional().build(),
        value: null,
      }),
    }),
  ),
  {
    name: 'required int32 null',
    input: env({ type: 'int32' }, 'null'),
    outcome: 'error',
    tsError: 'Invalid null value for required INT32',
  },
  {
    name: 'optional struct null',
    input: env({ type: 'struct', optional: true, fields: [{ type: 'int32', field: 'a' }] }, 'null'),
  },

  // Defaults.
  {
    name: 'defaults of every primitive type, filled in for null payload fields',
    input: env(
      {
        type: 'struct',
        fields: [
          { type: 'int8', optional: true, default: 1, field: 'i8' },
          { type: 'int16', default: -2, field: 'i16' },
          { type: 'int32', optional: true, default: 42, field: 'i32' },
          { type: 'int64', default: 'I64_DEFAULT', field: 'i64' },
          { type: 'float', default: 1.5, field: 'f32' },
          { type: 'double', optional: true, default: 0.1, field: 'f64' },
          { type: 'boolean', default: true, field: 'b' },
          { type: 'string', optional: true, default: 'dflt', field: 's' },
          { type: 'bytes', default: 'AQID', field: 'bin' },
        ],
      },
      '{"i8":null,"i32":null,"f64":null,"s":null}',
    ).replace('"I64_DEFAULT"', '9007199254740993'),
    build: () => {
      const schema = SchemaBuilder.struct()
        .field('i8', SchemaBuilder.int8().optional().defaultValue(1))
        .field('i16', SchemaBuilder.int16().defaultValue(-2))
        .field('i32', SchemaBuilder.int32().optional().defaultValue(42))
        .field('i64', SchemaBuilder.int64().defaultValue(9007199254740993n))
        .field('f32', SchemaBuilder.float32().defaultValue(1.5))
        .field('f64', SchemaBuilder.float64().optional().defaultValue(0.1))
        .field('b', SchemaBuilder.bool().defaultValue(true))
        .field('s', SchemaBuilder.string().optional().defaultValue('dflt'))
        .field('bin', SchemaBuilder.bytes().defaultValue(Buffer.from([1, 2, 3])))
        .build();
      return { schema, value: new Struct(schema) };
    },
  },
  {
    name: 'defaults kept as null with replace.null.with.default=false',
    input: env(
      {
        type: 'struct',
        fields: [
          { type: 'int32', optional: true, default: 42, field: 'a' },
          { type: 'string', optional: true, default: 'x', field: 'b' },
        ],
      },
      '{"a":null}',
    ),
    read: { 'replace.null.with.default': 'false' },
    write: { 'replace.null.with.default': 'false' },
    build: () => {
      const schema = SchemaBuilder.struct()
        .field('a', SchemaBuilder.int32().optional().defaultValue(42))
        .field('b', SchemaBuilder.string().optional().defaultValue('x'))
        .build();
      return { schema, value: new Struct(schema) };
    },
  },
  {
    name: 'top-level null written as the default',
    input: env({ type: 'int64', optional: true, default: 5 }, 'null'),
    read: { 'replace.null.with.default': 'false' },
    build: () => ({ schema: SchemaBuilder.int64().optional().defaultValue(5).build(), value: null }),
  },
  {
    name: 'defaults of logical, array and map types',
    input: env(
      {
        type: 'struct',
        fields: [
          { type: 'int64', name: TS, version: 1, default: 1680643371000, field: 'ts' },
          { type: 'int32', name: DATE, version: 1, default: 19000, field: 'd' },
          { type: 'int32', name: TIME, version: 1, default: 3600000, field: 't' },
          { ...dec(2), default: 'MDk=', field: 'dec' },
          { type: 'array', items: { type: 'int32' }, default: [1, 2, 3], field: 'arr' },
          {
            type: 'map',
            keys: { type: 'string' },
            values: { type: 'int32' },
            default: { a: 1, b: 2 },
            field: 'm',
          },
        ],
      },
      '{}',
    ),
    build: () => {
      const schema = SchemaBuilder.struct()
        .field('ts', TimestampType.builder().defaultValue(new Date(1680643371000)))
        .field('d', DateType.builder().defaultValue(new Date(19000 * 86400000)))
        .field('t', TimeType.builder().defaultValue(new Date(3600000)))
        .field('dec', DecimalType.builder(2).defaultValue(new Decimal(12345n, 2)))
        .field('arr', SchemaBuilder.array(Schemas.INT32).defaultValue([1, 2, 3]))
        .field(
          'm',
          SchemaBuilder.map(Schemas.STRING, Schemas.INT32).defaultValue(
            new Map([
              ['a', 1],
              ['b', 2],
            ]),
          ),
        )
        .build();
      return { schema, value: new Struct(schema) };
    },
  },
  {
    name: 'decimal default written numerically',
    input: env({ ...dec(2), default: 'MDk=' }, 'null'),
    write: { 'decimal.format': 'NUMERIC' },
  },
  {
    name: 'null default on a required schema',
    input: env({ type: 'int32', default: null }, '1'),
    outcome: 'error',
  },

  // Schema attributes and their order.
  {
    name: 'name, version, doc and parameters on a primitive',
    // Raw text: a JavaScript object literal would move the key "10" first.
    input:
      '{"schema":{"type":"string","optional":true,"name":"com.example.Code","version":3,"doc":"A \\"code\\"\\n","parameters":{"b":"2","a":"1","10":"ten"}},"payload":"x"}',
    expected:
      '{"schema":{"type":"string","optional":true,"name":"com.example.Code","version":3,"doc":"A \\"code\\"\\n","parameters":{"b":"2","a":"1","10":"ten"}},"payload":"x"}',
    build: () => ({
      schema: SchemaBuilder.string()
        .optional()
        .name('com.example.Code')
        .version(3)
        .doc('A "code"\n')
        .parameter('b', '2')
        .parameter('a', '1')
        .parameter('10', 'ten')
        .build(),
      value: 'x',
    }),
  },
  {
    name: 'schema members in an unusual order, whitespace, unknown members',
    input:
      '{ "payload" : { "b" : "x" , "a" : 1 } ,\n "schema" : { "name":"rec", "fields" : [ {"field":"a","optional":false,"type":"int32","extra":[1,{"x":null}]}, {"doc":"d","field":"b","type":"string"} ], "doc":"top", "type":"struct", "version": 2 } }',
    expected:
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"a"},{"type":"string","optional":false,"doc":"d","field":"b"}],"optional":false,"name":"rec","version":2,"doc":"top"},"payload":{"a":1,"b":"x"}}',
  },
  {
    name: 'struct with doc, version and parameters',
    input: env(
      {
        type: 'struct',
        name: 'orders',
        version: 7,
        doc: 'An order',
        parameters: { 'connect.record.doc': 'x' },
        fields: [{ type: 'string', field: 'order_id' }],
      },
      '{"order_id":"o-1"}',
    ),
    build: () => {
      const schema = SchemaBuilder.struct()
        .name('orders')
        .version(7)
        .doc('An order')
        .parameter('connect.record.doc', 'x')
        .field('order_id', Schemas.STRING)
        .build();
      return { schema, value: new Struct(schema).put('order_id', 'o-1') };
    },
  },
  { name: 'empty parameters object is dropped', input: env({ type: 'int32', parameters: {} }, '1') },
  { name: 'non-boolean optional means required', input: env({ type: 'int32', optional: 'true' }, '1') },
  { name: 'non-integral version is ignored', input: env({ type: 'int32', version: 1.5 }, '1') },
  {
    name: 'huge version wraps to int',
    input: '{"schema":{"type":"int32","version":4294967297},"payload":1}',
  },
  {
    name: 'non-string parameter value',
    input: env({ type: 'int32', parameters: { a: 1 } }, '1'),
    outcome: 'error',
  },
  {
    name: 'schema without type',
    input: env({ optional: true }, '1'),
    outcome: 'error',
    tsError: "Schema must contain 'type' field",
  },
  {
    name: 'unknown schema type',
    input: env({ type: 'decimal' }, '1'),
    outcome: 'error',
    tsError: 'Unknown schema type: decimal',
  },
  { name: 'array without items', input: env({ type: 'array' }, '[]'), outcome: 'error' },
  {
    name: 'map without keys',
    input: env({ type: 'map', values: { type: 'int32' } }, '{}'),
    outcome: 'error',
  },
  { name: 'struct without fields', input: env({ type: 'struct' }, '{}'), outcome: 'error' },
  {
    name: 'struct field without name',
    input: env({ type: 'struct', fields: [{ type: 'int32' }] }, '{}'),
    outcome: 'error',
  },
  {
    name: 'duplicate struct field names',
    input: env(
      {
        type: 'struct',
        fields: [
          { type: 'int32', field: 'a' },
          { type: 'int32', field: 'a' },
        ],
      },
      '{}',
    ),
    outcome: 'error',
  },

  // Nested structures.
  {
    name: 'nested struct, array of struct, maps with string and int keys',
    input: env(
      {
        type: 'struct',
        name: 'outer',
        fields: [
          {
            type: 'struct',
            name: 'address',
            optional: true,
            fields: [
              { type: 'string', field: 'city' },
              { type: 'int32', optional: true, field: 'zip' },
            ],
            field: 'address',
          },
          {
            type: 'array',
            items: {
              type: 'struct',
              name: 'line',
              fields: [
                { type: 'string', field: 'sku' },
                { type: 'int32', field: 'qty' },
              ],
            },
            field: 'lines',
          },
          {
            type: 'map',
            keys: { type: 'string' },
            values: { type: 'double', optional: true },
            field: 'prices',
          },
          { type: 'map', keys: { type: 'int32' }, values: { type: 'string' }, field: 'names' },
          {
            type: 'array',
            items: { type: 'array', items: { type: 'int64', optional: true } },
            field: 'matrix',
          },
        ],
      },
      '{"address":{"city":"Seoul","zip":null},"lines":[{"sku":"A","qty":1},{"sku":"B","qty":2}],"prices":{"a":1.5,"b":null,"c":2},"names":[[1,"one"],[2,"two"],[3,"three"]],"matrix":[[1,null],[],[9223372036854775807]]}',
    ),
    build: () => {
      const address = SchemaBuilder.struct()
        .name('address')
        .optional()
        .field('city', Schemas.STRING)
        .field('zip', Schemas.OPTIONAL_INT32)
        .build();
      const line = SchemaBuilder.struct()
        .name('line')
        .field('sku', Schemas.STRING)
        .field('qty', Schemas.INT32)
        .build();
      const schema = SchemaBuilder.struct()
        .name('outer')
        .field('address', address)
        .field('lines', SchemaBuilder.array(line))
        .field('prices', SchemaBuilder.map(Schemas.STRING, Schemas.OPTIONAL_FLOAT64))
        .field('names', SchemaBuilder.map(Schemas.INT32, Schemas.STRING))
        .field('matrix', SchemaBuilder.array(SchemaBuilder.array(Schemas.OPTIONAL_INT64)))
        .build();
      const value = new Struct(schema)
        .put('address', new Struct(address).put('city', 'Seoul'))
        .put('lines', [
          new Struct(line).put('sku', 'A').put('qty', 1),
          new Struct(line).put('sku', 'B').put('qty', 2),
        ])
        .put(
          'prices',
          new Map<string, number | null>([
            ['a', 1.5],
            ['b', null],
            ['c', 2],
          ]),
        )
        .put(
          'names',
          new Map([
            [1, 'one'],
            [2, 'two'],
            [3, 'three'],
          ]),
        )
        .put('matrix', [[1, null], [], [9223372036854775807n]]);
      return { schema, value };
    },
  },
  {
    name: 'map with struct values and array values',
    input: env(
      {
        type: 'map',
        keys: { type: 'string' },
        values: { type: 'struct', fields: [{ type: 'array', items: { type: 'bytes' }, field: 'blobs' }] },
      },
      '{"k1":{"blobs":["AQ==","AgM="]},"k2":{"blobs":[]}}',
    ),
  },
  {
    name: 'map with non-string keys of several kinds',
    input: env(
      {
        type: 'struct',
        fields: [
          { type: 'map', keys: { type: 'int64' }, values: { type: 'boolean' }, field: 'byLong' },
          { type: 'map', keys: { ...dec(1) }, values: { type: 'string' }, field: 'byDecimal' },
          {
            type: 'map',
            keys: { type: 'int32', name: DATE, version: 1 },
            values: { type: 'int8' },
            field: 'byDate',
          },
        ],
      },
      '{"byLong":[[9007199254740993,true]],"byDecimal":[["AQ==","one tenth"]],"byDate":[[19000,1]]}',
    ),
  },
  {
    name: 'struct payload with missing optional fields, unknown fields and a duplicate key',
    input: env(
      {
        type: 'struct',
        fields: [
          { type: 'int32', field: 'a' },
          { type: 'string', optional: true, field: 'b' },
          { type: 'int32', optional: true, field: 'c' },
        ],
      },
      '{"zzz":[1,{"q":"r"}],"a":1,"a":2,"extra":null}',
    ),
    expected:
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"a"},{"type":"string","optional":true,"field":"b"},{"type":"int32","optional":true,"field":"c"}],"optional":false},"payload":{"a":2,"b":null,"c":null}}',
  },
  {
    name: 'struct missing a required field',
    input: env({ type: 'struct', fields: [{ type: 'int32', field: 'a' }] }, '{}'),
    outcome: 'error',
  },
  {
    name: 'struct given an array',
    input: env({ type: 'struct', fields: [] }, '[]'),
    outcome: 'error',
    tsError: 'Structs should be encoded as JSON objects, but found ARRAY',
  },
  { name: 'empty struct', input: env({ type: 'struct', fields: [] }, '{}') },

  // Logical types.
  {
    name: 'timestamps, dates and times',
    input: env(
      {
        type: 'struct',
        fields: [
          { type: 'int64', name: TS, version: 1, field: 'ts' },
          { type: 'int64', name: TS, version: 1, field: 'before1970' },
          { type: 'int64', name: TS, version: 1, field: 'epoch' },
          { type: 'int32', name: DATE, version: 1, field: 'date' },
          { type: 'int32', name: DATE, version: 1, field: 'oldDate' },
          { type: 'int32', name: TIME, version: 1, field: 'midnight' },
          { type: 'int32', name: TIME, version: 1, field: 'lastMs' },
        ],
      },
      '{"ts":1680643371123,"before1970":-86400001,"epoch":0,"date":19451,"oldDate":-719162,"midnight":0,"lastMs":86399999}',
    ),
    build: () => {
      const schema = SchemaBuilder.struct()
        .field('ts', TimestampType.SCHEMA)
        .field('before1970', TimestampType.SCHEMA)
        .field('epoch', TimestampType.SCHEMA)
        .field('date', DateType.SCHEMA)
        .field('oldDate', DateType.SCHEMA)
        .field('midnight', TimeType.SCHEMA)
        .field('lastMs', TimeType.SCHEMA)
        .build();
      const value = new Struct(schema)
        .put('ts', new Date(1680643371123))
        .put('before1970', new Date(-86400001))
        .put('epoch', new Date(0))
        .put('date', new Date(Date.UTC(2023, 3, 4)))
        .put('oldDate', new Date(-719162 * 86400000))
        .put('midnight', new Date(0))
        .put('lastMs', new Date(86399999));
      return { schema, value };
    },
  },
  {
    name: 'date given a fraction',
    input: env({ type: 'int32', name: DATE, version: 1 }, '1.5'),
    outcome: 'error',
  },
  {
    name: 'time out of range',
    input: env({ type: 'int32', name: TIME, version: 1 }, '86400001'),
    outcome: 'error',
  },
  {
    name: 'timestamp given a fraction',
    input: env({ type: 'int64', name: TS, version: 1 }, '1.0'),
    outcome: 'error',
  },
  {
    name: 'decimals of several scales and signs, base64',
    input: env(
      {
        type: 'struct',
        fields: [
          { ...dec(2), field: 'price' },
          { ...dec(2), field: 'negative' },
          { ...dec(0), field: 'zero' },
          { ...dec(10), field: 'tiny' },
          { ...dec(-3), field: 'thousands' },
          { ...dec(4), field: 'huge' },
          { ...dec(2), field: 'minus128' },
          { ...dec(2), field: 'plus128' },
        ],
      },
      '{"price":"MDk=","negative":"/dc=","zero":"AA==","tiny":"AQ==","thousands":"DA==","huge":"AMnPUkNONJLaXaq5Xw==","minus128":"gA==","plus128":"AIA="}',
    ),
    build: () => {
      const schema = SchemaBuilder.struct()
        .field('price', DecimalType.schema(2))
        .field('negative', DecimalType.schema(2))
        .field('zero', DecimalType.schema(0))
        .field('tiny', DecimalType.schema(10))
        .field('thousands', DecimalType.schema(-3))
        .field('huge', DecimalType.schema(4))
        .field('minus128', DecimalType.schema(2))
        .field('plus128', DecimalType.schema(2))
        .build();
      const value = new Struct(schema)
        .put('price', Decimal.fromString('123.45'))
        .put('negative', Decimal.fromString('-5.53'))
        .put('zero', new Decimal(0n, 0))
        .put('tiny', new Decimal(1n, 10))
        .put('thousands', new Decimal(12n, -3))
        .put('huge', new Decimal(0xc9cf52434e3492da5daab95fn, 4))
        .put('minus128', new Decimal(-128n, 2))
        .put('plus128', new Decimal(128n, 2));
      return { schema, value };
    },
  },
  {
    name: 'decimals written numerically',
    input: env(
      {
        type: 'struct',
        fields: [
          { ...dec(2), field: 'price' },
          { ...dec(2), field: 'negative' },
          { ...dec(10), field: 'tiny' },
          { ...dec(10), field: 'zeroScaled' },
          { ...dec(-3), field: 'thousands' },
          { ...dec(7), field: 'seventh' },
        ],
      },
      '{"price":"MDk=","negative":"/dc=","tiny":"AQ==","zeroScaled":"AA==","thousands":"DA==","seventh":"AQ=="}',
    ),
    write: { 'decimal.format': 'NUMERIC' },
    expected:
      '{"schema":{"type":"struct","fields":[{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"negative"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"10"},"field":"tiny"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"10"},"field":"zeroScaled"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"-3"},"field":"thousands"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"7"},"field":"seventh"}],"optional":false},"payload":{"price":123.45,"negative":-5.53,"tiny":1E-10,"zeroScaled":0E-10,"thousands":1.2E+4,"seventh":1E-7}}',
  },
  {
    name: 'decimal read from a JSON number keeps the number text scale',
    input: env(dec(2), '-0012.340'),
    write: { 'decimal.format': 'NUMERIC' },
  },
  {
    name: 'decimal read from a JSON number of another scale cannot be base64',
    input: env(dec(2), '1.5'),
    outcome: 'error',
  },
  { name: 'decimal given a boolean', input: env(dec(2), 'true'), outcome: 'error' },

  // Numbers read leniently the way Java reads them.
  { name: 'int32 from a fraction truncates', input: env({ type: 'int32' }, '-1.9') },
  { name: 'int32 from a large exponent wraps', input: env({ type: 'int32' }, '1e10') },
  { name: 'int8 from 200 wraps', input: env({ type: 'int8' }, '200') },
  { name: 'int64 from beyond 2^63 wraps', input: env({ type: 'int64' }, '18446744073709551617') },
  { name: 'leading zeros', input: env({ type: 'int32' }, '007') },
  { name: 'double from negative zero text', input: env({ type: 'double' }, '-0.0') },
  {
    name: 'float rounded once from its decimal text',
    input: env({ type: 'float' }, '1.00000005960464477539062500001'),
  },
  { name: 'float overflow', input: env({ type: 'float' }, '3.5e38') },
  {
    name: 'double from a 40-digit integer',
    input: env({ type: 'double' }, '1234567890123456789012345678901234567890'),
  },
  {
    name: 'string into int32: Java writes 0, we refuse',
    input: env({ type: 'int32' }, '"12"'),
    outcome: 'ts-stricter',
    tsError: 'Invalid JSON STRING for INT32 value',
  },

  // Bytes read the way Jackson reads base64.
  { name: 'base64 with spaces between units', input: env({ type: 'bytes' }, '" AQID BA== "') },
  { name: 'base64 with padding in the middle', input: env({ type: 'bytes' }, '"AQ==AQ=="') },
  { name: 'base64 without padding', input: env({ type: 'bytes' }, '"AQ"'), outcome: 'error' },
  { name: 'base64 with a url-safe character', input: env({ type: 'bytes' }, '"A-_="'), outcome: 'error' },

  // The envelope.
  { name: 'envelope members in reverse order', input: '{"payload":5,"schema":{"type":"int64"}}' },
  { name: 'envelope followed by other content', input: '{"schema":{"type":"int32"},"payload":1} trailing' },
  { name: 'envelope with a byte order mark', input: '\ufeff{"schema":{"type":"int32"},"payload":1}' },
  {
    name: 'schemaless envelope',
    input: '{"schema":null,"payload":{"a":1,"b":[1.5,"x",null,true],"c":{"d":9007199254740993}}}',
  },
  {
    name: 'plain JSON while schemas.enable=true',
    input: '{"a":1}',
    outcome: 'error',
    tsError: ENVELOPE_MESSAGE,
  },
  {
    name: 'envelope with an extra member',
    input: '{"schema":null,"payload":1,"x":2}',
    outcome: 'error',
    tsError: ENVELOPE_MESSAGE,
  },
  {
    name: 'envelope without payload',
    input: '{"schema":{"type":"int32"}}',
    outcome: 'error',
    tsError: ENVELOPE_MESSAGE,
  },
  {
    name: 'envelope shape is checked before the payload is converted',
    input: '{"schema":{"type":"int32"},"payload":"x","extra":1}',
    outcome: 'error',
    tsError: ENVELOPE_MESSAGE,
  },
  {
    name: 'envelope shape is checked before the schema is parsed',
    input: '{"schema":{"type":"nonsense"},"payload":1,"payload2":1}',
    outcome: 'error',
    tsError: ENVELOPE_MESSAGE,
  },
  {
    name: 'a repeated envelope member counts once, the last value wins',
    input: '{"schema":{"type":"string"},"payload":1,"schema":{"type":"int64"},"payload":2}',
  },
  { name: 'bare number while schemas.enable=true', input: '42', outcome: 'error', tsError: ENVELOPE_MESSAGE },
  {
    name: 'malformed JSON',
    input: '{"schema":null,"payload":[1,]}',
    outcome: 'error',
    tsError: 'serialization error',
  },
  {
    name: 'invalid UTF-8',
    input: Buffer.concat([
      Buffer.from('{"schema":null,"payload":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]),
    outcome: 'error',
  },

  // schemas.enable=false.
  {
    name: 'bare JSON read and written without schemas',
    // Not `2.0` or `-0.0`: without a schema JavaScript cannot tell them from the integers 2 and 0,
    // which are written back as integers, where Java keeps a Double.
    input: '{"a":1,"b":[1.5,-2.5e-3,"x",null,true,1e400],"c":{"d":9223372036854775807,"e":{}}}',
    read: { 'schemas.enable': 'false' },
    write: { 'schemas.enable': 'false' },
  },
  {
    name: 'bare number without schemas',
    input: '12.50',
    read: { 'schemas.enable': 'false' },
    write: { 'schemas.enable': 'false' },
  },
  {
    name: 'bare string without schemas',
    input: '"s"',
    read: { 'schemas.enable': 'false' },
    write: { 'schemas.enable': 'false' },
  },
  {
    name: 'empty input without schemas',
    input: '',
    read: { 'schemas.enable': 'false' },
    write: { 'schemas.enable': 'false' },
  },
  {
    name: 'root number followed by a letter',
    input: '1x',
    read: { 'schemas.enable': 'false' },
    outcome: 'error',
  },
  {
    name: 'schemaless data written with an envelope',
    input: '[1,"two",{"k":[]}]',
    read: { 'schemas.enable': 'false' },
  },
  {
    name: 'struct written without schemas, numbers and decimals',
    input: env(
      {
        type: 'struct',
        fields: [
          { type: 'float', field: 'f' },
          { type: 'double', field: 'd' },
          { ...dec(3), field: 'x' },
          { type: 'int64', name: TS, version: 1, field: 't' },
        ],
      },
      '{"f":0.3,"d":1e-3,"x":"AeI=","t":-1}',
    ),
    write: { 'schemas.enable': 'false', 'decimal.format': 'NUMERIC' },
  },
  // schema.content: every message read is the bare payload of that schema.
  ...schemaContentCases(),
];

function schemaContentCases(): CompatCase[] {
  const struct = JSON.stringify({
    type: 'struct',
    fields: [
      { type: 'int32', optional: false, field: 'id' },
      { type: 'string', optional: true, field: 'name' },
      { ...dec(2), optional: true, field: 'price' },
    ],
    optional: false,
    name: 'shop.Item',
  });
  const optionalInt = JSON.stringify({ type: 'int32', optional: true });
  const requiredInt = JSON.stringify({ type: 'int32', optional: false });
  const withDefault = JSON.stringify({ type: 'int32', optional: true, default: 7 });
  const content = (schema: string, more: Record<string, string> = {}) => ({
    'schema.content': schema,
    ...more,
  });
  return [
    {
      name: 'schema.content: a bare struct payload',
      input: '{"id":1,"name":"a","price":"AeI="}',
      read: content(struct),
    },
    {
      name: 'schema.content: members outside the schema are dropped',
      input: '{"id":2,"other":true}',
      read: content(struct),
    },
    {
      name: 'schema.content: an envelope is just a payload',
      input: `{"schema":${struct},"payload":{"id":3}}`,
      read: content(struct),
      outcome: 'error',
    },
    {
      name: 'schema.content: a missing required field',
      input: '{"name":"a"}',
      read: content(struct),
      outcome: 'error',
    },
    { name: 'schema.content: a bare number', input: '42', read: content(requiredInt) },
    { name: 'schema.content: null for an optional schema', input: 'null', read: content(optionalInt) },
    {
      name: 'schema.content: null for a required schema',
      input: 'null',
      read: content(requiredInt),
      outcome: 'error',
    },
    { name: 'schema.content: null takes the default', input: 'null', read: content(withDefault) },
    {
      name: 'schema.content: null kept without replace.null.with.default',
      input: 'null',
      read: content(withDefault, { 'replace.null.with.default': 'false' }),
    },
    {
      name: 'schema.content: empty input (Java reads 0 from nothing), we refuse',
      input: '',
      read: content(optionalInt),
      outcome: 'ts-stricter',
      tsError: 'cannot read an empty message',
    },
    {
      name: 'schema.content: ignored with schemas.enable=false',
      input: '{"x":1}',
      read: content(struct, { 'schemas.enable': 'false' }),
    },
    {
      name: 'schema.content: empty means unset',
      input: `{"schema":${requiredInt},"payload":5}`,
      read: content(''),
    },
    {
      name: 'schema.content: JSON null means no schema',
      input: `{"schema":${requiredInt},"payload":5}`,
      read: content('null'),
    },
    {
      name: 'schema.content: a string for int32 (Java writes 0), we refuse',
      input: '"5"',
      read: content(requiredInt),
      outcome: 'ts-stricter',
    },
  ];
}

export const specialFloatCases: SpecialFloatCase[] = [
  { name: 'double NaN', type: 'float64', value: 'NaN' },
  { name: 'double Infinity', type: 'float64', value: 'Infinity' },
  { name: 'double -Infinity', type: 'float64', value: '-Infinity' },
  { name: 'double -0.0', type: 'float64', value: '-0.0' },
  { name: 'float NaN', type: 'float32', value: 'NaN' },
  { name: 'float -Infinity', type: 'float32', value: '-Infinity' },
  { name: 'float -0.0', type: 'float32', value: '-0.0' },
  { name: 'double NaN without schemas', type: 'float64', value: 'NaN', write: { 'schemas.enable': 'false' } },
];

function jsonTypeToSchemaType(type: string) {
  return type === 'float' ? 'float32' : type === 'double' ? 'float64' : (type as 'int8');
}

/** Seeded pseudo-random numbers, so every run checks the same values. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Large generated cases: doubles and floats over the whole range (random bits, subnormals,
 * decimal-looking values), int64s, decimals of several scales, and random strings.
 */
export function generatedCases(count: number): CompatCase[] {
  const random = seededRandom(20240405);
  const view = new DataView(new ArrayBuffer(8));
  const doubles: number[] = [];
  const floats: number[] = [];
  for (let i = 0; i < count; i++) {
    let value: number;
    switch (i % 4) {
      case 0:
        view.setUint32(0, Math.floor(random() * 2 ** 32));
        view.setUint32(4, Math.floor(random() * 2 ** 32));
        value = view.getFloat64(0);
        break;
      case 1:
        value = Math.round((random() - 0.5) * 1e8) / 10 ** Math.floor(random() * 9);
        break;
      case 2:
        value = random() * 10 ** (Math.floor(random() * 40) - 20);
        break;
      default:
        view.setUint32(0, Math.floor(random() * 2 ** 20));
        view.setUint32(4, Math.floor(random() * 2 ** 32));
        value = view.getFloat64(0);
    }
    if (Number.isFinite(value)) doubles.push(value);
    view.setUint32(0, Math.floor(random() * 2 ** 32));
    const float = i % 2 === 0 ? view.getFloat32(0) : Math.fround(value);
    if (Number.isFinite(float)) floats.push(float);
  }
  const int64s: bigint[] = [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n];
  for (let i = 0; i < 200; i++) {
    const bits = Math.floor(random() * 64);
    const magnitude = BigInt(Math.floor(random() * 2 ** 32)) * BigInt(Math.floor(random() * 2 ** 32));
    const value = BigInt.asIntN(64, magnitude >> BigInt(64 - bits));
    int64s.push(random() < 0.5 ? -value : value);
  }
  const strings: string[] = [];
  for (let i = 0; i < 300; i++) {
    let text = '';
    const length = Math.floor(random() * 12);
    for (let j = 0; j < length; j++) {
      const pick = random();
      const code =
        pick < 0.3
          ? 0x20 + Math.floor(random() * 0x5f)
          : pick < 0.45
            ? Math.floor(random() * 0x20)
            : pick < 0.7
              ? 0x80 + Math.floor(random() * 0x780)
              : pick < 0.9
                ? 0x800 + Math.floor(random() * 0xf800)
                : 0xd800 + Math.floor(random() * 0x800);
      text += String.fromCharCode(code);
    }
    strings.push(text);
  }
  const numbers = (values: readonly (number | bigint)[]) => `[${values.map(String).join(',')}]`;
  const cases: CompatCase[] = [
    {
      name: `${doubles.length} generated doubles`,
      input: env({ type: 'array', items: { type: 'double' } }, numbers(doubles)),
      build: () => ({ schema: SchemaBuilder.array(Schemas.FLOAT64).build(), value: doubles }),
    },
    {
      name: `${floats.length} generated floats`,
      input: env({ type: 'array', items: { type: 'float' } }, numbers(floats)),
      build: () => ({ schema: SchemaBuilder.array(Schemas.FLOAT32).build(), value: floats }),
    },
    {
      name: `${int64s.length} generated int64s`,
      input: env({ type: 'array', items: { type: 'int64' } }, numbers(int64s)),
      build: () => ({ schema: SchemaBuilder.array(Schemas.INT64).build(), value: int64s }),
    },
    {
      name: `${strings.length} generated strings`,
      input: env({ type: 'array', items: { type: 'string' } }, JSON.stringify(strings)),
      build: () => ({ schema: SchemaBuilder.array(Schemas.STRING).build(), value: strings }),
    },
  ];
  for (const scale of [0, 2, 9, 18, -3, 30]) {
    const decimals: Decimal[] = [];
    for (let i = 0; i < 100; i++) {
      const digits = 1 + Math.floor(random() * 40);
      let unscaled = 0n;
      for (let d = 0; d < digits; d++) unscaled = unscaled * 10n + BigInt(Math.floor(random() * 10));
      decimals.push(new Decimal(random() < 0.5 ? -unscaled : unscaled, scale));
    }
    // `<unscaled>E<-scale>` is BigDecimal text of exactly that scale, written without our code.
    const text = `[${decimals.map((d) => `${d.unscaled}E${-d.scale}`).join(',')}]`;
    for (const format of ['BASE64', 'NUMERIC']) {
      cases.push({
        name: `100 generated decimals of scale ${scale}, ${format}`,
        input: env({ type: 'array', items: dec(scale) }, text),
        write: { 'decimal.format': format },
        build: () => ({ schema: SchemaBuilder.array(DecimalType.schema(scale)).build(), value: decimals }),
      });
    }
  }
  return cases;
}
