/**
 * The cases transforms-compat.test.ts runs through Apache Kafka's own transformations and
 * predicates and through msa-sync's. A case is a plugin class, its config and one record whose
 * key, value and header values are JsonConverter envelopes (`{"schema":…,"payload":…}`; a null
 * schema is schemaless data; `null` is a Kafka null). `expect` is what the case is meant to show on
 * Apache's side; the test checks Kafka agrees before it compares msa-sync with Kafka.
 */

export type Expect =
  | 'ok'
  | 'drop'
  | 'config-error'
  | 'apply-error'
  | 'write-error'
  /** A predicate's answer. */
  | boolean;

export interface RecordInput {
  kind: 'sink' | 'source';
  topic: string;
  partition: number | null;
  /** Sink records only. */
  offset?: number;
  /** Milliseconds since epoch, or null for none. */
  timestamp: number | null;
  key: string | null;
  value: string | null;
  headers: { key: string; envelope: string | null }[];
}

export interface TransformCase {
  id: string;
  /** The Apache class's simple name without `$Key`/`$Value`: what the report groups by. */
  group: string;
  kind: 'transformation' | 'predicate';
  className: string;
  config: Record<string, string>;
  record: RecordInput;
  /** JsonConverter settings (besides schemas.enable=true) used to read and write this case. */
  converter?: Record<string, string>;
  expect: Expect;
}

const PKG = 'org.apache.kafka.connect.transforms.';

// ---------------------------------------------------------------------------------------------
// Schemas in the JsonConverter's JSON form, and envelopes.

type JsonSchema = Record<string, unknown>;

/** JSON text kept as written (large int64s, exact float text). */
class Raw {
  constructor(readonly text: string) {}
}
export const raw = (text: string): Raw => new Raw(text);

function stringify(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(stringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${stringify(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A JsonConverter envelope; `schema` null is schemaless. */
export function env(schema: JsonSchema | null, payload: unknown): string {
  return `{"schema":${schema === null ? 'null' : stringify(schema)},"payload":${stringify(payload)}}`;
}

const prim = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type, optional: false, ...extra });
const opt = (schema: JsonSchema, extra: JsonSchema = {}): JsonSchema => ({
  ...schema,
  optional: true,
  ...extra,
});
const INT8 = prim('int8');
const INT16 = prim('int16');
const INT32 = prim('int32');
const INT64 = prim('int64');
const FLOAT32 = prim('float');
const FLOAT64 = prim('double');
const BOOLEAN = prim('boolean');
const STRING = prim('string');
const BYTES = prim('bytes');
const DATE = prim('int32', { name: 'org.apache.kafka.connect.data.Date', version: 1 });
const TIME = prim('int32', { name: 'org.apache.kafka.connect.data.Time', version: 1 });
const TIMESTAMP = prim('int64', { name: 'org.apache.kafka.connect.data.Timestamp', version: 1 });
const decimalSchema = (scale: number): JsonSchema =>
  prim('bytes', {
    name: 'org.apache.kafka.connect.data.Decimal',
    version: 1,
    parameters: { scale: String(scale) },
  });
const struct = (fields: [string, JsonSchema][], extra: JsonSchema = {}): JsonSchema => ({
  type: 'struct',
  fields: fields.map(([field, schema]) => ({ ...schema, field })),
  optional: false,
  ...extra,
});
const array = (items: JsonSchema, extra: JsonSchema = {}): JsonSchema => ({
  type: 'array',
  items,
  optional: false,
  ...extra,
});
const map = (keys: JsonSchema, values: JsonSchema, extra: JsonSchema = {}): JsonSchema => ({
  type: 'map',
  keys,
  values,
  optional: false,
  ...extra,
});

/** Base64 of a Decimal's unscaled value (big-endian two's complement, minimal length). */
export function decimalPayload(unscaled: bigint): string {
  const bytes: number[] = [];
  let v = unscaled;
  for (;;) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
    const top = (bytes[0] ?? 0) & 0x80;
    if ((v === 0n && top === 0) || (v === -1n && top !== 0)) break;
  }
  return Buffer.from(bytes).toString('base64');
}

const DAY = 86_400_000;
const days = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY);
const millis = (iso: string): number => Date.parse(iso);
/** 2024-01-02T03:04:05.678Z */
const TS = millis('2024-01-02T03:04:05.678Z');
const TIME_OF_TS = TS % DAY;

// The struct most cases work on: every primitive and logical type, optional fields with and
// without defaults, an array, a map and a nested struct.
const INNER = struct(
  [
    ['a', INT32],
    ['b', opt(STRING)],
  ],
  { name: 'com.example.Inner' },
);
const ALL_FIELDS: [string, JsonSchema, unknown][] = [
  ['i8', INT8, 8],
  ['i16', INT16, -1600],
  ['i32', INT32, 320000],
  ['i64', INT64, raw('9007199254740993')],
  ['f32', FLOAT32, 3.25],
  ['f64', FLOAT64, raw('2.718281828459045')],
  ['bool', BOOLEAN, true],
  ['str', STRING, 'hello'],
  ['bytes', BYTES, 'AQID/w=='],
  ['dec', decimalSchema(2), decimalPayload(12345n)],
  ['date', DATE, days('2024-01-02')],
  ['time', TIME, TIME_OF_TS],
  ['ts', TIMESTAMP, TS],
  ['optStr', opt(STRING), null],
  ['optInt', opt(INT32), 5],
  ['defInt', opt(INT32, { default: 42 }), null],
  ['reqDef', prim('string', { default: 'dflt' }), 'given'],
  ['arr', array(INT32), [1, 2, 3]],
  ['map', map(STRING, INT64), { x: 1, y: 2 }],
  ['nested', INNER, { a: 1, b: 'x' }],
];
const ALL_SCHEMA = struct(
  ALL_FIELDS.map(([n, s]) => [n, s]),
  { name: 'com.example.Everything', version: 3, doc: 'all the types' },
);
const ALL_PAYLOAD = Object.fromEntries(ALL_FIELDS.map(([n, , p]) => [n, p]));
const ALL = env(ALL_SCHEMA, ALL_PAYLOAD);

/** A plain struct: id, name, optional email, amount. */
const PERSON_SCHEMA = struct(
  [
    ['id', INT64],
    ['name', STRING],
    ['email', opt(STRING)],
    ['amount', FLOAT64],
  ],
  { name: 'com.example.Person' },
);
const PERSON = env(PERSON_SCHEMA, { id: 7, name: 'Ann', email: null, amount: 12.5 });

/** Schemaless data as the JsonConverter reads it (objects become maps, integers int64). */
const SCHEMALESS_PAYLOAD = {
  id: 7,
  name: 'Ann',
  score: 9.5,
  active: true,
  tags: ['a', 'b'],
  address: { city: 'Oslo', zip: '0150' },
  missing: null,
};
const SCHEMALESS = env(null, SCHEMALESS_PAYLOAD);

/** With defaults whose null payloads the converter keeps (replace.null.with.default=false). */
const KEEP_NULLS = { 'replace.null.with.default': 'false' };
const DEFAULTS_SCHEMA = struct(
  [
    ['id', INT32],
    ['withDefault', opt(INT32, { default: 42 })],
    ['strDefault', opt(STRING, { default: 'dflt' })],
    ['plain', opt(INT32)],
  ],
  { name: 'com.example.Defaults' },
);
const DEFAULTS = env(DEFAULTS_SCHEMA, { id: 1, withDefault: null, strDefault: null, plain: null });

const NESTED_SCHEMA = struct(
  [
    ['id', INT32],
    [
      'customer',
      struct([
        ['name', STRING],
        [
          'address',
          struct([
            ['city', STRING],
            ['zip', opt(STRING)],
          ]),
        ],
      ]),
    ],
    ['dotted.name', struct([['x', INT32]])],
    ['tags', array(STRING)],
  ],
  { name: 'com.example.Nested', version: 2 },
);
const NESTED = env(NESTED_SCHEMA, {
  id: 1,
  customer: { name: 'Ann', address: { city: 'Oslo', zip: null } },
  'dotted.name': { x: 5 },
  tags: ['t1'],
});
const NESTED_SCHEMALESS = env(null, {
  id: 1,
  customer: { name: 'Ann', address: { city: 'Oslo', zip: null } },
  'dotted.name': { x: 5 },
  tags: ['t1'],
});

const KEY = env(STRING, 'k1');
const VALUE = env(STRING, 'v1');

function record(over: Partial<RecordInput> = {}): RecordInput {
  return {
    kind: 'sink',
    topic: 'orders',
    partition: 3,
    offset: 42,
    timestamp: TS,
    key: KEY,
    value: PERSON,
    // Every record carries a header, so that each transformation shows it keeps headers intact.
    headers: [{ key: 'trace', envelope: env(STRING, 't-1') }],
    ...over,
  };
}

/** A record with `data` on the side a `$Key`/`$Value` variant works on, the other side plain. */
function onSide(side: Side, data: string | null, over: Partial<RecordInput> = {}): RecordInput {
  return side === 'Key'
    ? record({ key: data, value: VALUE, ...over })
    : record({ key: KEY, value: data, ...over });
}

type Side = 'Key' | 'Value';
const SIDES: Side[] = ['Key', 'Value'];

class Cases {
  readonly all: TransformCase[] = [];

  add(
    group: string,
    variant: string,
    name: string,
    config: Record<string, string>,
    rec: RecordInput,
    expect: Expect = 'ok',
    converter?: Record<string, string>,
  ): void {
    const isPredicate =
      group === 'HasHeaderKey' || group === 'RecordIsTombstone' || group === 'TopicNameMatches';
    const className = isPredicate
      ? `${PKG}predicates.${group}`
      : `${PKG}${group}${variant ? `$${variant}` : ''}`;
    const id = `${group}${variant ? `$${variant}` : ''}: ${name}`;
    if (this.all.some((c) => c.id === id)) throw new Error(`duplicate case id ${id}`);
    this.all.push({
      id,
      group,
      kind: isPredicate ? 'predicate' : 'transformation',
      className,
      config,
      record: rec,
      expect,
      ...(converter ? { converter } : {}),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Cast

interface CastSample {
  schema: JsonSchema;
  payload: unknown;
  label: string;
}

const CAST_TARGETS = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'] as const;

const CAST_SAMPLES: CastSample[] = [
  { schema: INT8, payload: 100, label: 'int8 100' },
  { schema: INT8, payload: -128, label: 'int8 -128' },
  { schema: INT16, payload: 300, label: 'int16 300' },
  { schema: INT16, payload: -32768, label: 'int16 -32768' },
  { schema: INT32, payload: 70000, label: 'int32 70000' },
  { schema: INT32, payload: 2147483647, label: 'int32 max' },
  { schema: INT64, payload: raw('9007199254740993'), label: 'int64 2^53+1' },
  { schema: INT64, payload: raw('-5000000000'), label: 'int64 -5e9' },
  { schema: INT64, payload: 0, label: 'int64 0' },
  { schema: FLOAT32, payload: raw('0.1'), label: 'float32 0.1' },
  { schema: FLOAT32, payload: raw('-2.5'), label: 'float32 -2.5' },
  { schema: FLOAT64, payload: raw('-1234.5678'), label: 'float64 -1234.5678' },
  { schema: FLOAT64, payload: raw('1e20'), label: 'float64 1e20' },
  { schema: FLOAT64, payload: raw('300.99'), label: 'float64 300.99' },
  { schema: FLOAT64, payload: raw('-0.0'), label: 'float64 -0.0' },
  { schema: FLOAT64, payload: raw('1.0E-5'), label: 'float64 1e-5' },
  { schema: BOOLEAN, payload: true, label: 'boolean true' },
  { schema: BOOLEAN, payload: false, label: 'boolean false' },
  { schema: STRING, payload: '123', label: 'string "123"' },
  { schema: STRING, payload: '-7.5', label: 'string "-7.5"' },
  { schema: STRING, payload: 'TRUE', label: 'string "TRUE"' },
  { schema: STRING, payload: ' 12 ', label: 'string " 12 "' },
  { schema: STRING, payload: '1e3', label: 'string "1e3"' },
  { schema: STRING, payload: '300', label: 'string "300"' },
  { schema: BYTES, payload: 'AQID', label: 'bytes' },
];

/** Whether Java's Byte/Short/Integer/Long.parseX and Float/Double.parseX accept the text. */
function castParses(text: string, target: (typeof CAST_TARGETS)[number]): boolean {
  const integer = /^[+-]?\d+$/.test(text);
  const ranges: Record<string, [bigint, bigint]> = {
    int8: [-128n, 127n],
    int16: [-32768n, 32767n],
    int32: [-2147483648n, 2147483647n],
    int64: [-(2n ** 63n), 2n ** 63n - 1n],
  };
  const range = ranges[target];
  if (range) return integer && BigInt(text) >= range[0] && BigInt(text) <= range[1];
  if (target === 'float32' || target === 'float64')
    return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim());
  return true;
}

function castCases(cases: Cases): void {
  const G = 'Cast';
  // Whole-value casts of every primitive type to every target type.
  for (const sample of CAST_SAMPLES) {
    for (const target of CAST_TARGETS) {
      let expect: Expect = 'ok';
      if (sample.schema === BYTES && target !== 'string') expect = 'apply-error';
      if (sample.schema === STRING && !castParses(String(sample.payload), target)) expect = 'apply-error';
      cases.add(
        G,
        'Value',
        `${sample.label} to ${target}`,
        { spec: target },
        onSide('Value', env(sample.schema, sample.payload)),
        expect,
      );
    }
  }
  for (const side of SIDES) {
    cases.add(G, side, 'int64 key/value to int32', { spec: 'int32' }, onSide(side, env(INT64, 77)));
    cases.add(G, side, 'schemaless int64 to int8', { spec: 'int8' }, onSide(side, env(null, 300)));
    cases.add(G, side, 'schemaless string to int64', { spec: 'int64' }, onSide(side, env(null, '123')));
    cases.add(
      G,
      side,
      'schemaless float to string',
      { spec: 'string' },
      onSide(side, env(null, raw('1.5E10'))),
    );
    cases.add(G, side, 'schemaless boolean to float32', { spec: 'float32' }, onSide(side, env(null, true)));
    cases.add(G, side, 'null (tombstone) unchanged', { spec: 'int32' }, onSide(side, null));
    cases.add(
      G,
      side,
      'struct fields',
      { spec: 'i8:int64,i16:string,i32:float64,bool:int32' },
      onSide(side, ALL),
    );
    cases.add(G, side, 'schemaless map fields', { spec: 'id:string,score:int32' }, onSide(side, SCHEMALESS));
  }
  // Logical types.
  const logical: [string, JsonSchema, unknown][] = [
    ['Date', DATE, days('2024-01-02')],
    ['Date before 1970', DATE, days('1969-07-20')],
    ['Time', TIME, TIME_OF_TS],
    ['Time midnight', TIME, 0],
    ['Timestamp', TIMESTAMP, TS],
    ['Timestamp at midnight', TIMESTAMP, millis('2024-01-02T00:00:00Z')],
    ['Timestamp before 1970', TIMESTAMP, -1234567],
    ['Timestamp in the first day', TIMESTAMP, 3_600_000],
    ['Decimal', decimalSchema(2), decimalPayload(12345n)],
    ['Decimal negative', decimalSchema(3), decimalPayload(-987654n)],
    ['Decimal tiny', decimalSchema(9), decimalPayload(12n)],
    ['Decimal negative scale', decimalSchema(-2), decimalPayload(5n)],
  ];
  // A whole-value cast keeps the logical schema's name on the new type (copySchemaBasics), so
  // Kafka then fails to write the result: one sample per logical type shows that.
  for (const [label, schema, payload] of logical.filter(([l]) => !l.includes(' '))) {
    for (const target of ['int32', 'int64', 'float64', 'string', 'boolean'] as const) {
      cases.add(
        G,
        'Value',
        `whole ${label} to ${target}`,
        { spec: target },
        onSide('Value', env(schema, payload)),
        'write-error',
      );
    }
  }
  // Field casts build plain field schemas: every logical sample, as fields, to each target.
  const logicalStruct = struct(
    logical.map(([, schema], i) => [`f${i}`, schema] as [string, JsonSchema]),
    {
      doc: logical.map(([label], i) => `f${i}=${label}`).join('; '),
    },
  );
  const logicalPayload = Object.fromEntries(logical.map(([, , payload], i) => [`f${i}`, payload]));
  for (const target of ['int32', 'int64', 'float32', 'float64', 'string', 'boolean'] as const) {
    cases.add(
      G,
      'Value',
      `logical fields to ${target}`,
      { spec: logical.map((_, i) => `f${i}:${target}`).join(',') },
      onSide('Value', env(logicalStruct, logicalPayload)),
    );
  }
  cases.add(
    G,
    'Value',
    'struct logical fields',
    { spec: 'date:int32,time:string,ts:int64,dec:float64' },
    onSide('Value', ALL),
  );
  cases.add(
    G,
    'Value',
    'struct logical fields to string',
    { spec: 'date:string,ts:string,dec:string' },
    onSide('Value', ALL),
  );
  cases.add(
    G,
    'Value',
    'struct every primitive field to string',
    {
      spec: 'i8:string,i16:string,i32:string,i64:string,f32:string,f64:string,bool:string,str:string,bytes:string',
    },
    onSide('Value', ALL),
  );
  cases.add(
    G,
    'Value',
    'struct optional null field',
    { spec: 'optStr:int32,optInt:string' },
    onSide('Value', ALL),
  );
  cases.add(
    G,
    'Value',
    'struct field with default, null kept',
    { spec: 'withDefault:string,strDefault:int32' },
    onSide('Value', DEFAULTS),
    'apply-error',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'struct field with default cast',
    { spec: 'withDefault:string,plain:float64' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'struct field with default, replace.null.with.default=false',
    { spec: 'withDefault:string,plain:float64', 'replace.null.with.default': 'false' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'required field with default cast',
    { spec: 'n:string' },
    onSide('Value', env(struct([['n', prim('int32', { default: 7 })]]), { n: 3 })),
  );
  cases.add(G, 'Value', 'spec names a missing struct field', { spec: 'nope:int32' }, onSide('Value', PERSON));
  cases.add(
    G,
    'Value',
    'spec names a missing map field',
    { spec: 'nope:int32' },
    onSide('Value', SCHEMALESS),
  );
  cases.add(G, 'Value', 'map field null', { spec: 'missing:int32' }, onSide('Value', SCHEMALESS));
  cases.add(
    G,
    'Value',
    'map string field not a number',
    { spec: 'name:int32' },
    onSide('Value', SCHEMALESS),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'map list field',
    { spec: 'tags:string' },
    onSide('Value', SCHEMALESS),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'map nested map field',
    { spec: 'address:string' },
    onSide('Value', SCHEMALESS),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'struct field of type struct',
    { spec: 'nested:string' },
    onSide('Value', ALL),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'struct field of type array',
    { spec: 'arr:string' },
    onSide('Value', ALL),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'struct field of type map',
    { spec: 'map:string' },
    onSide('Value', ALL),
    'apply-error',
  );
  cases.add(G, 'Value', 'whole struct to int32', { spec: 'int32' }, onSide('Value', PERSON), 'apply-error');
  cases.add(
    G,
    'Value',
    'whole array to string',
    { spec: 'string' },
    onSide('Value', env(array(INT32), [1])),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'field spec on a primitive value',
    { spec: 'a:int32' },
    onSide('Value', env(INT32, 5)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'field spec on a schemaless string',
    { spec: 'a:int32' },
    onSide('Value', env(null, 'x')),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'optional schema with default',
    { spec: 'string' },
    onSide('Value', env(opt(INT32, { default: 5 }), 9)),
  );
  cases.add(G, 'Value', 'optional schema null', { spec: 'string' }, onSide('Value', env(opt(INT32), null)));
  cases.add(
    G,
    'Value',
    'named int schema',
    { spec: 'int64' },
    onSide(
      'Value',
      env(prim('int32', { name: 'com.example.Id', version: 2, doc: 'an id', parameters: { p: 'q' } }), 9),
    ),
  );
  cases.add(
    G,
    'Value',
    'struct keeps its name, version and doc',
    { spec: 'id:int32' },
    onSide('Value', PERSON),
  );
  cases.add(
    G,
    'Value',
    'spaces and upper case in the spec',
    { spec: ' id : INT32 , amount:String ' },
    onSide('Value', PERSON),
  );
  cases.add(
    G,
    'Value',
    'float64 field to int8 wraps',
    { spec: 'amount:int8' },
    onSide('Value', env(PERSON_SCHEMA, { id: 1, name: 'x', email: null, amount: 1000.7 })),
  );
  cases.add(
    G,
    'Value',
    'headers kept',
    { spec: 'int64' },
    onSide('Value', env(INT32, 1), { headers: [{ key: 'h', envelope: env(STRING, 'x') }] }),
  );
  // Config errors.
  cases.add(G, 'Value', 'missing spec', {}, onSide('Value', PERSON), 'config-error');
  cases.add(G, 'Value', 'empty spec', { spec: '' }, onSide('Value', PERSON), 'config-error');
  cases.add(G, 'Value', 'unknown type', { spec: 'id:int128' }, onSide('Value', PERSON), 'config-error');
  cases.add(
    G,
    'Value',
    'unknown whole-value type',
    { spec: 'number' },
    onSide('Value', PERSON),
    'config-error',
  );
  cases.add(
    G,
    'Value',
    'bytes is not a target',
    { spec: 'id:bytes' },
    onSide('Value', PERSON),
    'config-error',
  );
  cases.add(
    G,
    'Value',
    'struct is not a target',
    { spec: 'struct' },
    onSide('Value', PERSON),
    'config-error',
  );
  cases.add(
    G,
    'Value',
    'whole value and a field',
    { spec: 'int32,id:string' },
    onSide('Value', PERSON),
    'config-error',
  );
  cases.add(G, 'Value', 'three-part mapping', { spec: 'a:b:int32' }, onSide('Value', PERSON), 'config-error');
  cases.add(G, 'Value', 'field with empty type', { spec: 'id:' }, onSide('Value', PERSON), 'config-error');
  cases.add(
    G,
    'Value',
    'bad replace.null.with.default',
    { spec: 'int32', 'replace.null.with.default': 'maybe' },
    onSide('Value', PERSON),
    'config-error',
  );
}

// ---------------------------------------------------------------------------------------------
// DropHeaders, InsertHeader, HeaderFrom

const HEADERS = [
  { key: 'a', envelope: env(STRING, 'one') },
  { key: 'b', envelope: env(INT32, 2) },
  { key: 'a', envelope: env(STRING, 'three') },
  { key: 'c', envelope: null },
  { key: 'd', envelope: env(null, { m: 1 }) },
];

function headerCases(cases: Cases): void {
  const D = 'DropHeaders';
  cases.add(D, '', 'drop a repeated header', { headers: 'a' }, record({ headers: HEADERS }));
  cases.add(D, '', 'drop several', { headers: 'a,c,d' }, record({ headers: HEADERS }));
  cases.add(D, '', 'drop an absent header', { headers: 'zzz' }, record({ headers: HEADERS }));
  cases.add(D, '', 'drop from no headers', { headers: 'a' }, record({ headers: [] }));
  cases.add(D, '', 'drop all', { headers: 'a,b,c,d' }, record({ headers: HEADERS }));
  cases.add(D, '', 'names are trimmed', { headers: ' a , b ' }, record({ headers: HEADERS }));
  cases.add(
    D,
    '',
    'source record',
    { headers: 'b' },
    record({ kind: 'source', partition: null, headers: HEADERS }),
  );
  cases.add(D, '', 'tombstone', { headers: 'b' }, record({ value: null, headers: HEADERS }));
  cases.add(D, '', 'missing headers', {}, record({ headers: HEADERS }), 'config-error');
  cases.add(D, '', 'empty headers', { headers: '' }, record({ headers: HEADERS }), 'config-error');

  const I = 'InsertHeader';
  const literals: [string, string][] = [
    ['small integer', '42'],
    ['negative integer', '-7'],
    ['int16', '300'],
    ['int32', '70000'],
    ['int64', '5000000000'],
    ['beyond int64', '92233720368547758070'],
    ['float', '3.14'],
    ['float with exponent', '1.5e10'],
    ['huge float', '1e400'],
    ['true', 'true'],
    ['False', 'False'],
    ['null text', 'null'],
    ['empty', ''],
    ['blank', '   '],
    ['word', 'hello'],
    ['words', 'hello world'],
    ['quoted', '"quoted"'],
    ['array of ints', '[1,2,3]'],
    ['mixed array', '[1,"a",true]'],
    ['empty array', '[]'],
    ['map', '{"a":1,"b":2}'],
    ['map of strings', '{"x":"y"}'],
    ['date', '2024-01-02'],
    ['time', '03:04:05.678Z'],
    ['timestamp', '2024-01-02T03:04:05.678Z'],
    ['leading zero', '007'],
    ['unbalanced bracket', '[1,2'],
    ['unicode', 'blåbær'],
  ];
  for (const [label, literal] of literals) {
    cases.add(
      I,
      '',
      `literal ${label}`,
      { header: 'h', 'value.literal': literal },
      record({ headers: HEADERS.slice(0, 2) }),
    );
  }
  cases.add(
    I,
    '',
    'adds beside a header of the same name',
    { header: 'a', 'value.literal': 'x' },
    record({ headers: HEADERS }),
  );
  cases.add(
    I,
    '',
    'source record',
    { header: 'h', 'value.literal': '1' },
    record({ kind: 'source', partition: null }),
  );
  cases.add(I, '', 'tombstone', { header: 'h', 'value.literal': '1' }, record({ value: null }));
  cases.add(I, '', 'missing header', { 'value.literal': 'x' }, record(), 'config-error');
  cases.add(I, '', 'missing value.literal', { header: 'h' }, record(), 'config-error');

  const H = 'HeaderFrom';
  for (const side of SIDES) {
    cases.add(
      H,
      side,
      'copy struct fields',
      { fields: 'id,name', headers: 'h_id,h_name', operation: 'copy' },
      onSide(side, PERSON, { headers: HEADERS.slice(0, 1) }),
    );
    cases.add(
      H,
      side,
      'move struct fields',
      { fields: 'id,name', headers: 'h_id,h_name', operation: 'move' },
      onSide(side, PERSON, { headers: HEADERS.slice(0, 1) }),
    );
    cases.add(
      H,
      side,
      'copy map fields',
      { fields: 'id,address', headers: 'h_id,h_addr', operation: 'copy' },
      onSide(side, SCHEMALESS),
    );
    cases.add(
      H,
      side,
      'move map fields',
      { fields: 'id,tags,missing', headers: 'h1,h2,h3', operation: 'move' },
      onSide(side, SCHEMALESS),
    );
    cases.add(
      H,
      side,
      'schemaless tombstone',
      { fields: 'id', headers: 'h', operation: 'copy' },
      onSide(side, null),
      'apply-error',
    );
  }
  cases.add(
    H,
    'Value',
    'copy every type',
    {
      fields: ALL_FIELDS.map(([n]) => n).join(','),
      headers: ALL_FIELDS.map(([n]) => `h.${n}`).join(','),
      operation: 'copy',
    },
    onSide('Value', ALL),
  );
  cases.add(
    H,
    'Value',
    'move logical and nested fields',
    { fields: 'dec,date,ts,nested,map', headers: 'a,b,c,d,e', operation: 'move' },
    onSide('Value', ALL),
  );
  cases.add(
    H,
    'Value',
    'same field to two headers',
    { fields: 'id,id', headers: 'x,y', operation: 'move' },
    onSide('Value', PERSON),
  );
  cases.add(
    H,
    'Value',
    'to an existing header name',
    { fields: 'name', headers: 'a', operation: 'copy' },
    onSide('Value', PERSON, { headers: HEADERS }),
  );
  cases.add(
    H,
    'Value',
    'default used for null field',
    { fields: 'withDefault', headers: 'h', operation: 'move' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    H,
    'Value',
    'replace.null.with.default=false',
    {
      fields: 'withDefault,strDefault',
      headers: 'h1,h2',
      operation: 'copy',
      'replace.null.with.default': 'false',
    },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    H,
    'Value',
    'missing struct field',
    { fields: 'nope', headers: 'h', operation: 'copy' },
    onSide('Value', PERSON),
    'apply-error',
  );
  cases.add(
    H,
    'Value',
    'primitive value with schema',
    { fields: 'id', headers: 'h', operation: 'copy' },
    onSide('Value', env(INT32, 1)),
    'apply-error',
  );
  cases.add(
    H,
    'Value',
    'schemaless string value',
    { fields: 'id', headers: 'h', operation: 'copy' },
    onSide('Value', env(null, 'x')),
    'apply-error',
  );
  cases.add(
    H,
    'Value',
    'fields and headers differ in length',
    { fields: 'id,name', headers: 'h', operation: 'copy' },
    onSide('Value', PERSON),
    'config-error',
  );
  cases.add(
    H,
    'Value',
    'unknown operation',
    { fields: 'id', headers: 'h', operation: 'rename' },
    onSide('Value', PERSON),
    'config-error',
  );
  cases.add(
    H,
    'Value',
    'missing operation',
    { fields: 'id', headers: 'h' },
    onSide('Value', PERSON),
    'config-error',
  );
  cases.add(
    H,
    'Value',
    'empty fields',
    { fields: '', headers: 'h', operation: 'copy' },
    onSide('Value', PERSON),
    'config-error',
  );
  cases.add(
    H,
    'Value',
    'missing headers',
    { fields: 'id', operation: 'copy' },
    onSide('Value', PERSON),
    'config-error',
  );
}

// ---------------------------------------------------------------------------------------------
// ExtractField

function extractFieldCases(cases: Cases): void {
  const G = 'ExtractField';
  for (const [name] of ALL_FIELDS) {
    cases.add(G, 'Value', `struct field ${name}`, { field: name }, onSide('Value', ALL));
  }
  for (const side of SIDES) {
    cases.add(G, side, 'struct field', { field: 'name' }, onSide(side, PERSON));
    cases.add(G, side, 'map field', { field: 'name' }, onSide(side, SCHEMALESS));
    cases.add(G, side, 'map nested map', { field: 'address' }, onSide(side, SCHEMALESS));
    cases.add(G, side, 'map missing field', { field: 'nope' }, onSide(side, SCHEMALESS));
    cases.add(G, side, 'schemaless null', { field: 'name' }, onSide(side, null));
    cases.add(
      G,
      side,
      'null value with schema, optional field',
      { field: 'email' },
      onSide(side, env(opt(PERSON_SCHEMA), null)),
    );
    cases.add(
      G,
      side,
      'null value with schema, required field',
      { field: 'name' },
      onSide(side, env(opt(PERSON_SCHEMA), null)),
      'write-error',
    );
    cases.add(G, side, 'unknown struct field', { field: 'nope' }, onSide(side, PERSON), 'apply-error');
    cases.add(
      G,
      side,
      'V2 nested struct field',
      { field: 'customer.address.city', 'field.syntax.version': 'V2' },
      onSide(side, NESTED),
    );
    cases.add(
      G,
      side,
      'V2 nested map field',
      { field: 'customer.address.city', 'field.syntax.version': 'V2' },
      onSide(side, NESTED_SCHEMALESS),
    );
  }
  cases.add(G, 'Value', 'null optional field', { field: 'optStr' }, onSide('Value', ALL));
  cases.add(
    G,
    'Value',
    'field with default, null kept',
    { field: 'withDefault' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'field with default, replace.null.with.default=false',
    { field: 'withDefault', 'replace.null.with.default': 'false' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(G, 'Value', 'dotted name under V1', { field: 'dotted.name' }, onSide('Value', NESTED));
  cases.add(
    G,
    'Value',
    'dotted path under V1 is one name',
    { field: 'customer.name' },
    onSide('Value', NESTED),
    'apply-error',
  );
  // field.syntax.version=V2 paths into the value: name, path, value, what Apache does.
  const v2Paths: [string, string, string, Expect?][] = [
    ['V2 struct', 'customer.address', NESTED],
    ['V2 null leaf', 'customer.address.zip', NESTED],
    ['V2 backticks', '`dotted.name`.x', NESTED],
    ['V2 backticks on a map', '`dotted.name`.x', NESTED_SCHEMALESS],
    ['V2 missing intermediate struct', 'nope.name', NESTED, 'apply-error'],
    ['V2 missing intermediate map', 'nope.name', NESTED_SCHEMALESS],
    ['V2 through a map value that is not a map', 'id.x', NESTED_SCHEMALESS, 'apply-error'],
    ['V2 through a struct field that is not a struct', 'id.x', NESTED, 'apply-error'],
    ['V2 trailing dot', 'customer.', NESTED, 'apply-error'],
    ['V2 escaped backtick', '`a\\`.b`', env(null, { 'a`.b': 3 })],
    ['V2 incomplete backtick pair', '`customer.name', NESTED, 'config-error'],
  ];
  for (const [name, field, value, expect] of v2Paths) {
    cases.add(G, 'Value', name, { field, 'field.syntax.version': 'V2' }, onSide('Value', value), expect);
  }
  cases.add(
    G,
    'Value',
    'V2 lower-case version',
    { field: 'customer.name', 'field.syntax.version': 'v2' },
    onSide('Value', NESTED),
  );
  cases.add(
    G,
    'Value',
    'unknown field.syntax.version',
    { field: 'id', 'field.syntax.version': 'V3' },
    onSide('Value', NESTED),
    'config-error',
  );
  cases.add(
    G,
    'Value',
    'primitive value with schema',
    { field: 'id' },
    onSide('Value', env(INT32, 1)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'schemaless primitive',
    { field: 'id' },
    onSide('Value', env(null, 1)),
    'apply-error',
  );
  cases.add(G, 'Value', 'missing field config', {}, onSide('Value', PERSON), 'config-error');
}

// ---------------------------------------------------------------------------------------------
// Filter

function filterCases(cases: Cases): void {
  cases.add('Filter', '', 'sink record', {}, record(), 'drop');
  cases.add('Filter', '', 'source record', {}, record({ kind: 'source', partition: null }), 'drop');
  cases.add('Filter', '', 'tombstone', {}, record({ value: null }), 'drop');
  cases.add('Filter', '', 'unknown config key is ignored', { whatever: 'x' }, record(), 'drop');
}

// ---------------------------------------------------------------------------------------------
// Flatten

function flattenCases(cases: Cases): void {
  const G = 'Flatten';
  const deep = struct(
    [
      ['id', INT32],
      [
        'a',
        struct(
          [
            [
              'b',
              struct([
                ['c', INT32],
                ['d', opt(STRING)],
              ]),
            ],
            ['e', opt(INT64, { default: 9 })],
          ],
          { optional: true },
        ),
      ],
      ['list', array(struct([['x', INT32]]))],
      ['ts', TIMESTAMP],
    ],
    { name: 'com.example.Deep', version: 4, doc: 'deep' },
  );
  const deepValue = { id: 1, a: { b: { c: 2, d: 'dd' }, e: 3 }, list: [{ x: 1 }], ts: TS };
  for (const side of SIDES) {
    cases.add(G, side, 'nested structs', {}, onSide(side, env(deep, deepValue)));
    cases.add(G, side, 'nested maps', {}, onSide(side, NESTED_SCHEMALESS));
    cases.add(G, side, 'null value with schema', {}, onSide(side, env(opt(deep), null)));
    cases.add(G, side, 'schemaless null', {}, onSide(side, null));
  }
  cases.add(G, 'Value', 'custom delimiter', { delimiter: '_' }, onSide('Value', env(deep, deepValue)));
  cases.add(G, 'Value', 'empty delimiter', { delimiter: '' }, onSide('Value', NESTED));
  cases.add(
    G,
    'Value',
    'multi-character delimiter on maps',
    { delimiter: '->' },
    onSide('Value', NESTED_SCHEMALESS),
  );
  cases.add(G, 'Value', 'optional parent null', {}, onSide('Value', env(deep, { ...deepValue, a: null })));
  cases.add(G, 'Value', 'every type', {}, onSide('Value', ALL), 'apply-error');
  cases.add(
    G,
    'Value',
    'struct with a map field',
    {},
    onSide('Value', env(struct([['m', map(STRING, INT32)]]), { m: { a: 1 } })),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'every type but the map',
    {},
    onSide(
      'Value',
      env(
        struct(ALL_FIELDS.filter(([n]) => n !== 'map').map(([n, s]) => [n, s])),
        Object.fromEntries(ALL_FIELDS.filter(([n]) => n !== 'map').map(([n, , p]) => [n, p])),
      ),
    ),
  );
  cases.add(G, 'Value', 'primitive value with schema', {}, onSide('Value', env(INT32, 1)), 'apply-error');
  cases.add(G, 'Value', 'schemaless primitive', {}, onSide('Value', env(null, 1)), 'apply-error');
  cases.add(G, 'Value', 'schemaless list at the top', {}, onSide('Value', env(null, [1, 2])), 'apply-error');
  cases.add(
    G,
    'Value',
    'schemaless nested nulls and lists',
    {},
    onSide('Value', env(null, { a: { b: null, c: [1, { d: 2 }] }, e: {} })),
  );
  cases.add(G, 'Value', 'empty struct', {}, onSide('Value', env(struct([]), {})));
  // Kafka reads 1.0 without a schema as a Double and writes it back as 1.0.
  cases.add(
    G,
    'Value',
    'schemaless integral doubles',
    {},
    onSide('Value', env(null, { a: raw('1.0'), b: { c: raw('2E3') } })),
  );
}

// ---------------------------------------------------------------------------------------------
// HoistField

function hoistFieldCases(cases: Cases): void {
  const G = 'HoistField';
  for (const [name, schema, payload] of ALL_FIELDS) {
    cases.add(G, 'Value', `${name} value`, { field: 'wrapped' }, onSide('Value', env(schema, payload)));
  }
  for (const side of SIDES) {
    cases.add(G, side, 'struct', { field: 'inner' }, onSide(side, PERSON));
    cases.add(G, side, 'schemaless map', { field: 'inner' }, onSide(side, SCHEMALESS));
    cases.add(G, side, 'schemaless string', { field: 'inner' }, onSide(side, env(null, 'text')));
    cases.add(G, side, 'schemaless null', { field: 'inner' }, onSide(side, null));
    cases.add(G, side, 'optional schema null', { field: 'inner' }, onSide(side, env(opt(STRING), null)));
  }
  cases.add(G, 'Value', 'field name with a dot', { field: 'a.b' }, onSide('Value', env(INT32, 1)));
  cases.add(G, 'Value', 'empty field name', { field: '' }, onSide('Value', env(INT32, 1)), 'apply-error');
  cases.add(G, 'Value', 'empty field name, schemaless', { field: '' }, onSide('Value', env(null, 1)));
  cases.add(G, 'Value', 'schemaless list', { field: 'xs' }, onSide('Value', env(null, [1, 'a'])));
  cases.add(
    G,
    'Value',
    'schemaless integral double',
    { field: 'x' },
    onSide('Value', env(null, raw('-0.0'))),
  );
  cases.add(G, 'Value', 'missing field config', {}, onSide('Value', PERSON), 'config-error');
}

// ---------------------------------------------------------------------------------------------
// InsertField

function insertFieldCases(cases: Cases): void {
  const G = 'InsertField';
  const all = {
    'topic.field': 'topic',
    'partition.field': 'partition',
    'offset.field': 'offset',
    'timestamp.field': 'ts',
    'static.field': 'instance',
    'static.value': 'eu-1',
  };
  const required = {
    'topic.field': 'topic!',
    'partition.field': 'partition!',
    'offset.field': 'offset!',
    'timestamp.field': 'ts!',
    'static.field': 'instance!',
    'static.value': 'eu-1',
  };
  for (const side of SIDES) {
    cases.add(G, side, 'all fields into a struct', all, onSide(side, PERSON));
    cases.add(G, side, 'all fields into a map', all, onSide(side, SCHEMALESS));
    cases.add(G, side, 'null value unchanged', all, onSide(side, null));
  }
  cases.add(G, 'Value', 'required fields', required, onSide('Value', PERSON));
  cases.add(
    G,
    'Value',
    'explicitly optional fields',
    { 'topic.field': 'topic?', 'timestamp.field': 'ts?' },
    onSide('Value', PERSON),
  );
  cases.add(G, 'Value', 'topic only', { 'topic.field': 'topic' }, onSide('Value', ALL));
  cases.add(
    G,
    'Value',
    'timestamp missing on record',
    { 'timestamp.field': 'ts' },
    onSide('Value', PERSON, { timestamp: null }),
  );
  cases.add(
    G,
    'Value',
    'required timestamp missing on record',
    { 'timestamp.field': 'ts!' },
    onSide('Value', PERSON, { timestamp: null }),
    'write-error',
  );
  cases.add(
    G,
    'Value',
    'timestamp missing on a map record',
    { 'timestamp.field': 'ts' },
    onSide('Value', SCHEMALESS, { timestamp: null }),
  );
  cases.add(
    G,
    'Value',
    'source record partition',
    { 'partition.field': 'p', 'topic.field': 't' },
    onSide('Value', PERSON, { kind: 'source', partition: 5 }),
  );
  cases.add(
    G,
    'Value',
    'source record without partition',
    { 'partition.field': 'p' },
    onSide('Value', PERSON, { kind: 'source', partition: null }),
  );
  cases.add(
    G,
    'Value',
    'source record without partition into a map',
    { 'partition.field': 'p' },
    onSide('Value', SCHEMALESS, { kind: 'source', partition: null }),
  );
  cases.add(
    G,
    'Value',
    'offset on a source record',
    { 'offset.field': 'o' },
    onSide('Value', PERSON, { kind: 'source', partition: null }),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'offset on a source map record',
    { 'offset.field': 'o' },
    onSide('Value', SCHEMALESS, { kind: 'source', partition: null }),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'large offset',
    { 'offset.field': 'o' },
    onSide('Value', PERSON, { offset: 9007199254740 }),
  );
  cases.add(
    G,
    'Value',
    'name clash with an existing field',
    { 'topic.field': 'name' },
    onSide('Value', PERSON),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'name clash in a map overwrites',
    { 'topic.field': 'name' },
    onSide('Value', SCHEMALESS),
  );
  cases.add(G, 'Value', 'defaults kept', { 'topic.field': 't' }, onSide('Value', DEFAULTS), 'ok', KEEP_NULLS);
  cases.add(
    G,
    'Value',
    'replace.null.with.default=false',
    { 'topic.field': 't', 'replace.null.with.default': 'false' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'primitive value with schema',
    { 'topic.field': 't' },
    onSide('Value', env(INT32, 1)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'schemaless primitive',
    { 'topic.field': 't' },
    onSide('Value', env(null, 'x')),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'static value with a static field',
    { 'static.field': 's', 'static.value': '' },
    onSide('Value', PERSON),
  );
  cases.add(
    G,
    'Value',
    'static value without a field is ignored',
    { 'topic.field': 't', 'static.value': 'x' },
    onSide('Value', PERSON),
  );
  cases.add(G, 'Value', 'nothing configured', {}, onSide('Value', PERSON), 'config-error');
  cases.add(
    G,
    'Value',
    'static field without a value',
    { 'static.field': 's' },
    onSide('Value', PERSON),
    'config-error',
  );
}

// ---------------------------------------------------------------------------------------------
// MaskField

function maskFieldCases(cases: Cases): void {
  const G = 'MaskField';
  const maskable = ALL_FIELDS.map(([n]) => n);
  for (const name of maskable) {
    // Bytes and structs cannot be masked; a Decimal is masked to BigDecimal.ZERO, whose scale (0)
    // Kafka's JsonConverter then refuses for a Decimal schema of another scale.
    const expect: Expect =
      name === 'bytes' || name === 'nested' ? 'apply-error' : name === 'dec' ? 'write-error' : 'ok';
    cases.add(G, 'Value', `mask ${name}`, { fields: name }, onSide('Value', ALL), expect);
  }
  const replacements: [string, string, Expect][] = [
    ['i8', '7', 'ok'],
    ['i16', '-300', 'ok'],
    ['i32', '123456', 'ok'],
    ['i64', '9007199254740993', 'ok'],
    ['f32', '1.5', 'ok'],
    ['f64', '2.25', 'ok'],
    ['str', '****', 'ok'],
    ['dec', '99.99', 'ok'],
    ['dec', '1.5', 'write-error'],
    ['i8', '300', 'ok'],
    ['i8', '-129', 'ok'],
    ['i32', 'abc', 'apply-error'],
    ['i32', '1.5', 'ok'],
    ['i64', '1e3', 'ok'],
    ['f32', 'NaN', 'apply-error'],
    ['f64', 'abc', 'apply-error'],
    ['bool', 'true', 'apply-error'],
    ['date', '2024-01-01', 'apply-error'],
    ['arr', 'x', 'apply-error'],
  ];
  for (const [field, replacement, expect] of replacements) {
    cases.add(
      G,
      'Value',
      `replace ${field} with "${replacement}"`,
      { fields: field, replacement },
      onSide('Value', ALL),
      expect,
    );
  }
  for (const side of SIDES) {
    cases.add(G, side, 'struct fields', { fields: 'id,name,email' }, onSide(side, PERSON));
    cases.add(
      G,
      side,
      'map fields',
      { fields: 'id,name,score,active,tags,address,missing' },
      onSide(side, SCHEMALESS),
    );
    cases.add(
      G,
      side,
      'map fields with replacement',
      { fields: 'id,name,score', replacement: '0' },
      onSide(side, SCHEMALESS),
    );
    cases.add(G, side, 'schemaless null', { fields: 'id' }, onSide(side, null), 'apply-error');
  }
  cases.add(
    G,
    'Value',
    'map boolean with replacement',
    { fields: 'active', replacement: 'x' },
    onSide('Value', SCHEMALESS),
    'apply-error',
  );
  cases.add(G, 'Value', 'map missing field', { fields: 'nope' }, onSide('Value', SCHEMALESS));
  cases.add(G, 'Value', 'struct missing field', { fields: 'nope' }, onSide('Value', PERSON));
  cases.add(
    G,
    'Value',
    'defaults kept',
    { fields: 'withDefault,strDefault' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'replace.null.with.default=false',
    { fields: 'withDefault', 'replace.null.with.default': 'false' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'optional struct null',
    { fields: 'id' },
    onSide('Value', env(opt(PERSON_SCHEMA), null)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'primitive value with schema',
    { fields: 'id' },
    onSide('Value', env(INT32, 1)),
    'apply-error',
  );
  cases.add(G, 'Value', 'missing fields', {}, onSide('Value', PERSON), 'config-error');
  cases.add(G, 'Value', 'empty fields', { fields: '' }, onSide('Value', PERSON), 'config-error');
  cases.add(
    G,
    'Value',
    'empty replacement',
    { fields: 'id', replacement: '' },
    onSide('Value', PERSON),
    'config-error',
  );
}

// ---------------------------------------------------------------------------------------------
// RegexRouter, TimestampRouter

function routerCases(cases: Cases): void {
  const R = 'RegexRouter';
  const routes: [string, string, string, string, Expect?][] = [
    ['prefix group', '(.*)orders', '$1archive', 'shop.orders'],
    ['exact', 'orders', 'orders-v2', 'orders'],
    ['no match', 'payments', 'x', 'orders'],
    ['partial match does not count', 'ord', 'x', 'orders'],
    ['several groups', '([a-z]+)\\.([a-z]+)', '$2_$1', 'shop.orders'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka's own ${…} placeholder syntax
    ['named group', '(?<env>[a-z]+)-(?<name>.*)', '${name}.${env}', 'prod-orders'],
    ['escaped dollar', '(.*)', '\\$$1', 'orders'],
    ['backslash in replacement', 'orders', 'a\\\\b', 'orders'],
    ['case-insensitive flag', '(?i)ORDERS', 'lower', 'orders'],
    ['digits', 'topic-(\\d+)', 'partitioned-$1', 'topic-42'],
    ['empty replacement', 'orders', '', 'orders'],
    ['group 0', 'ord(ers)', '[$0]', 'orders'],
    ['missing group', '(.*)', '$2', 'orders', 'apply-error'],
    ['alternation', 'a|orders', 'alt', 'orders'],
    ['dot matches a dot', 'shop.orders', 'x', 'shopXorders'],
  ];
  for (const [label, regex, replacement, topic, expect] of routes) {
    cases.add(R, '', label, { regex, replacement }, record({ topic }), expect ?? 'ok');
  }
  cases.add(
    R,
    '',
    'source record',
    { regex: '(.*)', replacement: '$1-out' },
    record({ kind: 'source', partition: null }),
  );
  cases.add(R, '', 'invalid regex', { regex: '(', replacement: 'x' }, record(), 'config-error');
  cases.add(R, '', 'missing regex', { replacement: 'x' }, record(), 'config-error');
  cases.add(R, '', 'missing replacement', { regex: '.*' }, record(), 'config-error');

  const T = 'TimestampRouter';
  cases.add(T, '', 'defaults', {}, record());
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka's own ${…} placeholder syntax
  cases.add(T, '', 'custom topic.format', { 'topic.format': 'archive_${timestamp}_${topic}' }, record());
  cases.add(
    T,
    '',
    'repeated placeholders',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka's own ${…} placeholder syntax
    { 'topic.format': '${topic}-${topic}-${timestamp}-${timestamp}' },
    record(),
  );
  cases.add(T, '', 'no placeholders', { 'topic.format': 'fixed' }, record());
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka's own ${…} placeholder syntax
  cases.add(T, '', 'unknown placeholder kept', { 'topic.format': '${topic}-${other}' }, record());
  const formats: [string, string][] = [
    ['hour', "yyyy-MM-dd'T'HH"],
    ['week year', 'YYYY-ww'],
    ['month name', 'MMMM yyyy'],
    ['short month and day name', 'EEE dd MMM yy'],
    ['day of year', 'yyyy.DDD'],
    ['am/pm', 'hh:mm a'],
    ['millis', 'HHmmssSSS'],
    ['zone', 'yyyyMMdd Z z X'],
    ['era and quote', "G ''yy''"],
    ['day of week number and k/K', 'u k K'],
  ];
  for (const [label, format] of formats) {
    cases.add(T, '', `timestamp.format ${label}`, { 'timestamp.format': format }, record());
  }
  cases.add(T, '', 'topic with $ and \\', {}, record({ topic: 'a$1\\b' }));
  cases.add(T, '', 'timestamp before 1970', {}, record({ timestamp: -86_400_001 }));
  cases.add(
    T,
    '',
    'timestamp zero',
    { 'timestamp.format': 'yyyy-MM-dd HH:mm:ss.SSS' },
    record({ timestamp: 0 }),
  );
  cases.add(T, '', 'source record', {}, record({ kind: 'source', partition: null }));
  cases.add(T, '', 'timestamp missing', {}, record({ timestamp: null }), 'apply-error');
}

// ---------------------------------------------------------------------------------------------
// ReplaceField

function replaceFieldCases(cases: Cases): void {
  const G = 'ReplaceField';
  for (const side of SIDES) {
    cases.add(G, side, 'include', { include: 'id,name' }, onSide(side, PERSON));
    cases.add(G, side, 'exclude', { exclude: 'email' }, onSide(side, PERSON));
    cases.add(G, side, 'renames', { renames: 'id:person_id,name:full_name' }, onSide(side, PERSON));
    cases.add(
      G,
      side,
      'map include and rename',
      { include: 'id,name,address', renames: 'name:n' },
      onSide(side, SCHEMALESS),
    );
    cases.add(G, side, 'null value unchanged', { exclude: 'id' }, onSide(side, null));
  }
  cases.add(
    G,
    'Value',
    'exclude wins over include',
    { include: 'id,name', exclude: 'name' },
    onSide('Value', PERSON),
  );
  cases.add(G, 'Value', 'include absent fields', { include: 'nope' }, onSide('Value', PERSON));
  cases.add(G, 'Value', 'map exclude', { exclude: 'tags,address,missing' }, onSide('Value', SCHEMALESS));
  cases.add(
    G,
    'Value',
    'map rename onto an existing key',
    { renames: 'id:name' },
    onSide('Value', SCHEMALESS),
  );
  cases.add(
    G,
    'Value',
    'rename onto an existing field',
    { renames: 'id:name' },
    onSide('Value', PERSON),
    'apply-error',
  );
  cases.add(G, 'Value', 'swap names', { renames: 'id:name,name:id' }, onSide('Value', PERSON));
  cases.add(
    G,
    'Value',
    'rename an excluded field',
    { exclude: 'id', renames: 'id:x' },
    onSide('Value', PERSON),
  );
  cases.add(
    G,
    'Value',
    'every type',
    { exclude: 'bytes', renames: 'dec:money,nested:inner' },
    onSide('Value', ALL),
  );
  cases.add(G, 'Value', 'nothing configured', {}, onSide('Value', PERSON));
  cases.add(
    G,
    'Value',
    'defaults kept',
    { renames: 'withDefault:w' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'replace.null.with.default=false',
    { renames: 'withDefault:w', 'replace.null.with.default': 'false' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'primitive value with schema',
    { exclude: 'x' },
    onSide('Value', env(INT32, 1)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'schemaless primitive',
    { exclude: 'x' },
    onSide('Value', env(null, 1)),
    'apply-error',
  );
  cases.add(G, 'Value', 'rename without a colon', { renames: 'id' }, onSide('Value', PERSON), 'config-error');
  cases.add(
    G,
    'Value',
    'rename with two colons',
    { renames: 'a:b:c' },
    onSide('Value', PERSON),
    'config-error',
  );
  cases.add(G, 'Value', 'rename to nothing', { renames: 'a:' }, onSide('Value', PERSON), 'config-error');
}

// ---------------------------------------------------------------------------------------------
// SetSchemaMetadata

function setSchemaMetadataCases(cases: Cases): void {
  const G = 'SetSchemaMetadata';
  for (const side of SIDES) {
    cases.add(
      G,
      side,
      'name and version on a struct',
      { 'schema.name': 'com.example.Renamed', 'schema.version': '9' },
      onSide(side, PERSON),
    );
    // Apache 4.x builds the new schema with schema.fields(), which throws for a non-struct schema.
    cases.add(
      G,
      side,
      'name only on a primitive',
      { 'schema.name': 'com.example.Id' },
      onSide(side, env(INT64, 5)),
      'apply-error',
    );
    cases.add(G, side, 'schemaless value', { 'schema.name': 'x' }, onSide(side, env(null, 5)), 'apply-error');
    cases.add(G, side, 'null without schema', { 'schema.name': 'x' }, onSide(side, null));
  }
  cases.add(G, 'Value', 'version only keeps the name', { 'schema.version': '2' }, onSide('Value', PERSON));
  cases.add(
    G,
    'Value',
    'every type',
    { 'schema.name': 'com.example.All2', 'schema.version': '1' },
    onSide('Value', ALL),
  );
  cases.add(
    G,
    'Value',
    'keeps doc and parameters',
    { 'schema.name': 'n' },
    onSide('Value', env(prim('string', { doc: 'a doc', parameters: { k: 'v', a: 'b' } }), 's')),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'array schema',
    { 'schema.name': 'com.example.List' },
    onSide('Value', env(array(INT32), [1, 2])),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'map schema',
    { 'schema.name': 'com.example.Map' },
    onSide('Value', env(map(STRING, INT32), { a: 1 })),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'optional schema with null value',
    { 'schema.version': '3' },
    onSide('Value', env(opt(PERSON_SCHEMA), null)),
  );
  cases.add(
    G,
    'Value',
    'optional schema with default',
    { 'schema.name': 'n' },
    onSide('Value', env(opt(INT32, { default: 3 }), 4)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'renaming a Decimal',
    { 'schema.name': 'not.a.Decimal' },
    onSide('Value', env(decimalSchema(2), decimalPayload(100n))),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'renaming a Timestamp',
    { 'schema.name': 'x' },
    onSide('Value', env(TIMESTAMP, TS)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'versioning a Date',
    { 'schema.version': '5' },
    onSide('Value', env(DATE, 19000)),
    'apply-error',
  );
  cases.add(G, 'Value', 'defaults kept', { 'schema.name': 'n' }, onSide('Value', DEFAULTS), 'ok', KEEP_NULLS);
  cases.add(
    G,
    'Value',
    'replace.null.with.default=false',
    { 'schema.name': 'n', 'replace.null.with.default': 'false' },
    onSide('Value', DEFAULTS),
    'ok',
    KEEP_NULLS,
  );
  cases.add(G, 'Value', 'negative version', { 'schema.version': '-1' }, onSide('Value', PERSON));
  cases.add(G, 'Value', 'nothing configured', {}, onSide('Value', PERSON), 'config-error');
  cases.add(
    G,
    'Value',
    'version not a number',
    { 'schema.version': 'abc' },
    onSide('Value', PERSON),
    'config-error',
  );
  cases.add(
    G,
    'Value',
    'version beyond int32',
    { 'schema.version': '3000000000' },
    onSide('Value', PERSON),
    'config-error',
  );
}

// ---------------------------------------------------------------------------------------------
// TimestampConverter

function timestampConverterCases(cases: Cases): void {
  const G = 'TimestampConverter';
  const FORMAT = 'yyyy-MM-dd HH:mm:ss.SSS';
  const inputs: [string, JsonSchema, unknown][] = [
    ['string', STRING, '2024-01-02 03:04:05.678'],
    ['unix', INT64, TS],
    ['Date', DATE, days('2024-01-02')],
    ['Time', TIME, TIME_OF_TS],
    ['Timestamp', TIMESTAMP, TS],
  ];
  const targets = ['string', 'unix', 'Date', 'Time', 'Timestamp'];
  for (const [label, schema, payload] of inputs) {
    for (const target of targets) {
      cases.add(
        G,
        'Value',
        `${label} to ${target}`,
        { 'target.type': target, format: FORMAT },
        onSide('Value', env(schema, payload)),
      );
    }
  }
  // Schemaless whole values: strings and longs; Date results cannot be written without a schema.
  for (const [label, payload] of [
    ['string', '2024-01-02 03:04:05.678'],
    ['unix', TS],
  ] as const) {
    for (const target of targets) {
      const expect: Expect = target === 'string' || target === 'unix' ? 'ok' : 'write-error';
      cases.add(
        G,
        'Value',
        `schemaless ${label} to ${target}`,
        { 'target.type': target, format: FORMAT },
        onSide('Value', env(null, payload)),
        expect,
      );
    }
  }
  const EVENT = struct(
    [
      ['id', INT32],
      ['created', TIMESTAMP],
      ['createdText', STRING],
      ['epoch', INT64],
      ['day', DATE],
      ['maybe', opt(TIMESTAMP)],
      ['withDefault', opt(INT64, { default: 1000 })],
    ],
    { name: 'com.example.Event', version: 1 },
  );
  const event = {
    id: 1,
    created: TS,
    createdText: '2024-01-02 03:04:05.678',
    epoch: TS,
    day: days('2024-01-02'),
    maybe: null,
    withDefault: null,
  };
  for (const side of SIDES) {
    for (const [field, target] of [
      ['created', 'string'],
      ['createdText', 'unix'],
      ['epoch', 'Timestamp'],
      ['day', 'Timestamp'],
      ['created', 'Date'],
      ['maybe', 'unix'],
    ]) {
      cases.add(
        G,
        side,
        `struct field ${field} to ${target}`,
        { field: field as string, 'target.type': target as string, format: FORMAT },
        onSide(side, env(EVENT, event)),
      );
    }
    cases.add(
      G,
      side,
      'map field string to unix',
      { field: 'created', 'target.type': 'unix', format: FORMAT },
      onSide(side, env(null, { id: 1, created: '2024-01-02 03:04:05.678' })),
    );
    cases.add(
      G,
      side,
      'map field unix to string',
      { field: 'epoch', 'target.type': 'string', format: FORMAT },
      onSide(side, env(null, { id: 1, epoch: TS })),
    );
    cases.add(G, side, 'schemaless null', { 'target.type': 'unix' }, onSide(side, null));
  }
  cases.add(
    G,
    'Value',
    'field default, null kept',
    { field: 'withDefault', 'target.type': 'Timestamp' },
    onSide('Value', env(EVENT, event)),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'field default, replace.null.with.default=false',
    { field: 'withDefault', 'target.type': 'Timestamp', 'replace.null.with.default': 'false' },
    onSide('Value', env(EVENT, event)),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    'Value',
    'map field missing',
    { field: 'nope', 'target.type': 'unix' },
    onSide('Value', env(null, { id: 1 })),
  );
  cases.add(
    G,
    'Value',
    'struct field missing',
    { field: 'nope', 'target.type': 'unix' },
    onSide('Value', env(EVENT, event)),
  );
  cases.add(
    G,
    'Value',
    'struct field of the wrong type',
    { field: 'id', 'target.type': 'unix' },
    onSide('Value', env(EVENT, event)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'null struct with field config',
    { field: 'created', 'target.type': 'unix' },
    onSide('Value', env(opt(EVENT), null)),
  );
  cases.add(
    G,
    'Value',
    'optional whole value null',
    { 'target.type': 'string', format: FORMAT },
    onSide('Value', env(opt(TIMESTAMP), null)),
  );
  cases.add(
    G,
    'Value',
    'optional whole value',
    { 'target.type': 'Date' },
    onSide('Value', env(opt(TIMESTAMP), TS)),
  );
  cases.add(
    G,
    'Value',
    'int32 whole value',
    { 'target.type': 'unix' },
    onSide('Value', env(INT32, 5)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'schemaless double',
    { 'target.type': 'unix' },
    onSide('Value', env(null, 1.5)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'schemaless boolean',
    { 'target.type': 'unix' },
    onSide('Value', env(null, true)),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'map value not a map',
    { field: 'x', 'target.type': 'unix' },
    onSide('Value', env(null, 'x')),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'string without a format',
    { 'target.type': 'unix' },
    onSide('Value', env(STRING, '2024')),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'string that does not parse',
    { 'target.type': 'unix', format: FORMAT },
    onSide('Value', env(STRING, 'yesterday')),
    'apply-error',
  );
  cases.add(
    G,
    'Value',
    'lenient parse of day 30 of February',
    { 'target.type': 'Timestamp', format: 'yyyy-MM-dd' },
    onSide('Value', env(STRING, '2024-02-30')),
  );
  cases.add(
    G,
    'Value',
    'trailing text ignored',
    { 'target.type': 'unix', format: 'yyyy-MM-dd' },
    onSide('Value', env(STRING, '2024-01-02 and more')),
  );
  cases.add(
    G,
    'Value',
    'parse with a zone offset',
    { 'target.type': 'unix', format: "yyyy-MM-dd'T'HH:mm:ssXXX" },
    onSide('Value', env(STRING, '2024-01-02T05:04:05+02:00')),
  );
  cases.add(
    G,
    'Value',
    'parse a month name',
    { 'target.type': 'unix', format: 'dd MMM yyyy' },
    onSide('Value', env(STRING, '02 Jan 2024')),
  );
  const outFormats: [string, string][] = [
    ['ISO with zone', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"],
    ['RFC 822', 'EEE, d MMM yyyy HH:mm:ss Z'],
    ['day of year and week', 'yyyy DDD ww u'],
    ['12-hour clock', 'hh:mm:ss a'],
    ['two-digit year and full month', 'yy MMMM'],
    ['era and quotes', "G yyyy 'at' HH 'o''clock'"],
    ['single letters', 'y M d H m s S'],
    ['zone name', 'z zzzz'],
  ];
  for (const [label, format] of outFormats) {
    cases.add(
      G,
      'Value',
      `format ${label}`,
      { 'target.type': 'string', format },
      onSide('Value', env(TIMESTAMP, TS)),
    );
  }
  cases.add(
    G,
    'Value',
    'format before 1970',
    { 'target.type': 'string', format: FORMAT },
    onSide('Value', env(TIMESTAMP, -1_000_000_000_001)),
  );
  const unixSamples: [string, string][] = [
    ['seconds', '1704164645'],
    ['milliseconds', '1704164645678'],
    ['microseconds', '1704164645678123'],
    ['nanoseconds', '1704164645678123456'],
  ];
  for (const [precision, unix] of unixSamples) {
    cases.add(
      G,
      'Value',
      `unix ${precision} to Timestamp`,
      { 'target.type': 'Timestamp', 'unix.precision': precision },
      onSide('Value', env(INT64, raw(unix))),
    );
    cases.add(
      G,
      'Value',
      `unix ${precision} to string`,
      { 'target.type': 'string', 'unix.precision': precision, format: FORMAT },
      onSide('Value', env(null, raw(unix))),
    );
    cases.add(
      G,
      'Value',
      `Timestamp to unix ${precision}`,
      { 'target.type': 'unix', 'unix.precision': precision },
      onSide('Value', env(TIMESTAMP, TS)),
    );
  }
  cases.add(
    G,
    'Value',
    'negative microseconds truncate',
    { 'target.type': 'Timestamp', 'unix.precision': 'microseconds' },
    onSide('Value', env(INT64, -1500)),
  );
  cases.add(
    G,
    'Value',
    'schemaless unix seconds to string',
    { 'target.type': 'string', 'unix.precision': 'seconds', format: FORMAT },
    onSide('Value', env(null, 1704164645)),
  );
  // Configs Apache refuses, each on a Timestamp value.
  const badConfigs: [string, Record<string, string>][] = [
    ['missing target.type', {}],
    ['unknown target.type', { 'target.type': 'datetime' }],
    ['target.type is case-sensitive', { 'target.type': 'timestamp' }],
    ['string target without a format', { 'target.type': 'string' }],
    ['blank format', { 'target.type': 'string', format: '  ' }],
    ['invalid pattern', { 'target.type': 'string', format: 'yyyy-qq' }],
    ['unknown unix.precision', { 'target.type': 'unix', 'unix.precision': 'minutes' }],
  ];
  for (const [name, config] of badConfigs) {
    cases.add(G, 'Value', name, config, onSide('Value', env(TIMESTAMP, TS)), 'config-error');
  }
}

// ---------------------------------------------------------------------------------------------
// ValueToKey

function valueToKeyCases(cases: Cases): void {
  const G = 'ValueToKey';
  cases.add(G, '', 'struct fields', { fields: 'id,name' }, record());
  cases.add(G, '', 'one field', { fields: 'email' }, record());
  cases.add(G, '', 'every type', { fields: ALL_FIELDS.map(([n]) => n).join(',') }, record({ value: ALL }));
  cases.add(G, '', 'map fields', { fields: 'id,address,nope' }, record({ value: SCHEMALESS }));
  cases.add(G, '', 'missing struct field', { fields: 'id,nope' }, record(), 'apply-error');
  cases.add(
    G,
    '',
    'null value with schema',
    { fields: 'id' },
    record({ value: env(opt(PERSON_SCHEMA), null) }),
    'apply-error',
  );
  cases.add(G, '', 'schemaless null', { fields: 'id' }, record({ value: null }), 'apply-error');
  cases.add(
    G,
    '',
    'primitive value with schema',
    { fields: 'id' },
    record({ value: env(INT32, 1) }),
    'apply-error',
  );
  cases.add(
    G,
    '',
    'defaults kept',
    { fields: 'id,withDefault' },
    record({ value: DEFAULTS }),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    '',
    'replace.null.with.default=false',
    { fields: 'id,withDefault', 'replace.null.with.default': 'false' },
    record({ value: DEFAULTS }),
    'ok',
    KEEP_NULLS,
  );
  cases.add(
    G,
    '',
    'V2 nested struct fields',
    { fields: 'id,customer.address.city,`dotted.name`.x', 'field.syntax.version': 'V2' },
    record({ value: NESTED }),
  );
  cases.add(
    G,
    '',
    'V2 nested map fields',
    { fields: 'id,customer.address.city,customer.nope', 'field.syntax.version': 'V2' },
    record({ value: NESTED_SCHEMALESS }),
  );
  cases.add(
    G,
    '',
    'V2 missing nested struct field',
    { fields: 'customer.nope', 'field.syntax.version': 'V2' },
    record({ value: NESTED }),
    'apply-error',
  );
  cases.add(G, '', 'V1 dotted name', { fields: 'dotted.name' }, record({ value: NESTED }));
  cases.add(G, '', 'source record', { fields: 'id' }, record({ kind: 'source', partition: null }));
  cases.add(G, '', 'missing fields', {}, record(), 'config-error');
  cases.add(G, '', 'empty fields', { fields: '' }, record(), 'config-error');
  cases.add(G, '', 'duplicate fields', { fields: 'id,id' }, record());
  cases.add(
    G,
    '',
    'V2 incomplete backtick pair',
    { fields: '`id', 'field.syntax.version': 'V2' },
    record(),
    'config-error',
  );
}

// ---------------------------------------------------------------------------------------------
// Predicates

function predicateCases(cases: Cases): void {
  const H = 'HasHeaderKey';
  cases.add(H, '', 'present', { name: 'b' }, record({ headers: HEADERS }), true);
  cases.add(H, '', 'present twice', { name: 'a' }, record({ headers: HEADERS }), true);
  cases.add(H, '', 'present with a null value', { name: 'c' }, record({ headers: HEADERS }), true);
  cases.add(H, '', 'absent', { name: 'zzz' }, record({ headers: HEADERS }), false);
  cases.add(H, '', 'no headers', { name: 'a' }, record({ headers: [] }), false);
  cases.add(H, '', 'case matters', { name: 'A' }, record({ headers: HEADERS }), false);
  cases.add(
    H,
    '',
    'source record',
    { name: 'a' },
    record({ kind: 'source', partition: null, headers: HEADERS }),
    true,
  );
  cases.add(H, '', 'missing name', {}, record(), 'config-error');
  cases.add(H, '', 'empty name', { name: '' }, record(), 'config-error');

  const R = 'RecordIsTombstone';
  cases.add(R, '', 'null value', {}, record({ value: null }), true);
  cases.add(R, '', 'null value with a schema', {}, record({ value: env(opt(STRING), null) }), true);
  cases.add(R, '', 'struct value', {}, record(), false);
  cases.add(R, '', 'null key only', {}, record({ key: null }), false);
  cases.add(R, '', 'empty string value', {}, record({ value: env(STRING, '') }), false);
  cases.add(R, '', 'source tombstone', {}, record({ kind: 'source', partition: null, value: null }), true);

  const T = 'TopicNameMatches';
  cases.add(T, '', 'matches', { pattern: 'ord.*' }, record(), true);
  cases.add(T, '', 'must match the whole name', { pattern: 'ord' }, record(), false);
  cases.add(T, '', 'no match', { pattern: 'payments' }, record(), false);
  cases.add(T, '', 'alternation', { pattern: 'payments|orders' }, record(), true);
  cases.add(T, '', 'case-insensitive flag', { pattern: '(?i)ORDERS' }, record(), true);
  cases.add(T, '', 'character class', { pattern: '[a-z]+-\\d{2}' }, record({ topic: 'shop-42' }), true);
  cases.add(T, '', 'dot in topic', { pattern: 'shop\\.orders' }, record({ topic: 'shop.orders' }), true);
  cases.add(T, '', 'missing pattern', {}, record(), 'config-error');
  cases.add(T, '', 'empty pattern', { pattern: '' }, record(), 'config-error');
  cases.add(T, '', 'invalid pattern', { pattern: '[a-' }, record(), 'config-error');
}

/** Every case, in a stable order. */
export function transformCases(): TransformCase[] {
  const cases = new Cases();
  castCases(cases);
  headerCases(cases);
  extractFieldCases(cases);
  filterCases(cases);
  flattenCases(cases);
  hoistFieldCases(cases);
  insertFieldCases(cases);
  maskFieldCases(cases);
  routerCases(cases);
  replaceFieldCases(cases);
  setSchemaMetadataCases(cases);
  timestampConverterCases(cases);
  valueToKeyCases(cases);
  predicateCases(cases);
  return cases.all;
}
