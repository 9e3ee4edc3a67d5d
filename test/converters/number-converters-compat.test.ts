import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BooleanConverter,
  type Converter,
  DoubleConverter,
  FloatConverter,
  type HeaderConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
} from '../../packages/connect/src/converters/index.js';
import { normalizeInt64, type Schema, Schemas } from '../../packages/connect/src/data/index.js';
import {
  type ConverterName,
  compileHarness,
  type JavaCase,
  type JavaError,
  type JavaReadCase,
  type JavaRun,
  type JavaValue,
  type JavaWriteCase,
  runHarness,
} from './java-number-converters.js';

/**
 * Our Boolean/Double/Float/Integer/Long/Short converters against Apache Kafka's (4.4.0, from
 * infra/kafka/libs), run fresh on every test run: the same values written (bytes, or the
 * DataError's message and its cause's class and message) and the same bytes read (schema, value,
 * or the error), through the data and the header methods, for keys and values.
 *
 * A JavaScript number carries no Java class: ours takes it from a numeric schema (an INT64 value
 * is a Long), else as the converter's own type when it fits. The `lenient` cases are the ones
 * where Apache's value would be of another Java class under no schema and fail, and ours writes
 * it.
 */

type Lane = Pick<JavaCase, 'isKey' | 'header'>;
const LANES: readonly Lane[] = [
  { isKey: false, header: false },
  { isKey: true, header: false },
  { isKey: false, header: true },
];

interface WriteSpec {
  schema: string | null;
  value: JavaValue;
  /** Apache fails (its value would be of another class), ours writes the number. */
  lenient?: boolean;
}

const v = (kind: JavaValue['kind'], text?: string): JavaValue => ({ kind, text });
const b64 = (...bytes: number[]) => Buffer.from(bytes).toString('base64');

/** Values of the converter's own Java class, its schema type and its read-side schema name. */
const NUMBER_TYPES: Record<
  Exclude<ConverterName, 'BooleanConverter'>,
  { kind: JavaValue['kind']; schema: string; values: string[]; size: number }
> = {
  ShortConverter: {
    kind: 'short',
    schema: 'INT16',
    size: 2,
    values: ['0', '1', '-1', '255', '-256', '32767', '-32768', '12345'],
  },
  IntegerConverter: {
    kind: 'int',
    schema: 'INT32',
    size: 4,
    values: ['0', '1', '-1', '65536', '-65537', '2147483647', '-2147483648', '123456789'],
  },
  LongConverter: {
    kind: 'long',
    schema: 'INT64',
    size: 8,
    values: [
      '0',
      '1',
      '-1',
      '4294967296',
      '9007199254740991',
      '9007199254740992',
      '-9007199254740993',
      '9223372036854775807',
      '-9223372036854775808',
      '1234567890123456789',
    ],
  },
  FloatConverter: {
    kind: 'float',
    schema: 'FLOAT32',
    size: 4,
    values: [
      '0.0',
      '-0.0',
      '1.0',
      '-1.5',
      '0.1',
      '3.4028235E38',
      '-3.4028235E38',
      '1.4E-45',
      '1.17549435E-38',
      'NaN',
      'Infinity',
      '-Infinity',
      '16777217',
    ],
  },
  DoubleConverter: {
    kind: 'double',
    schema: 'FLOAT64',
    size: 8,
    values: [
      '0.0',
      '-0.0',
      '1.0',
      '-1.5',
      '0.1',
      '1.7976931348623157E308',
      '-1.7976931348623157E308',
      '4.9E-324',
      '2.2250738585072014E-308',
      'NaN',
      'Infinity',
      '-Infinity',
      '9007199254740993',
    ],
  },
};

/** A value of each other Java number class, under its own schema. */
const OTHER_NUMBERS: readonly WriteSpec[] = [
  { schema: 'INT8', value: v('byte', '7') },
  { schema: 'INT16', value: v('short', '7') },
  { schema: 'INT32', value: v('int', '7') },
  { schema: 'INT64', value: v('long', '7') },
  { schema: 'FLOAT32', value: v('float', '7.5') },
  { schema: 'FLOAT64', value: v('double', '7.5') },
];

function numberWrites(name: Exclude<ConverterName, 'BooleanConverter'>): WriteSpec[] {
  const own = NUMBER_TYPES[name];
  const specs: WriteSpec[] = [];
  for (const text of own.values) {
    // Apache ignores the schema: the value's class is all that counts.
    for (const schema of [own.schema, `OPTIONAL_${own.schema}`, null, 'STRING']) {
      specs.push({ schema, value: v(own.kind, text) });
    }
  }
  for (const schema of [own.schema, `OPTIONAL_${own.schema}`, null, 'STRING', 'BOOLEAN']) {
    specs.push({ schema, value: v('null') });
  }
  specs.push(...OTHER_NUMBERS.filter((spec) => spec.value.kind !== own.kind));
  specs.push(
    { schema: null, value: v('string', 'x') },
    { schema: own.schema, value: v('string', '1') },
    { schema: null, value: v('boolean', 'true') },
    { schema: 'BOOLEAN', value: v('boolean', 'false') },
    { schema: null, value: v('bytes', b64(0, 0, 0, 1)) },
    { schema: 'BYTES', value: v('bytes', b64(1)) },
    // Schemaless numbers that cannot be the converter's type: ours names the class schemaless JSON would give.
    { schema: null, value: v('double', '1.1') },
    { schema: null, value: v('double', '1.0E300') },
  );
  if (name !== 'LongConverter') specs.push({ schema: null, value: v('long', '9223372036854775807') });
  // Schemaless numbers of another class that fit the converter's type: Apache refuses, ours writes.
  const lenient: Record<typeof name, JavaValue> = {
    ShortConverter: v('long', '5'),
    IntegerConverter: v('long', '5'),
    LongConverter: v('int', '5'),
    FloatConverter: v('double', '1.5'),
    DoubleConverter: v('float', '1.5'),
  };
  specs.push({ schema: null, value: lenient[name], lenient: true });
  return specs;
}

const BOOLEAN_WRITES: WriteSpec[] = [
  ...['true', 'false'].flatMap((text) =>
    ['BOOLEAN', 'OPTIONAL_BOOLEAN', null].map((schema) => ({ schema, value: v('boolean', text) })),
  ),
  { schema: null, value: v('null') },
  { schema: 'OPTIONAL_BOOLEAN', value: v('null') },
  { schema: 'STRING', value: v('null') },
  { schema: 'INT8', value: v('boolean', 'true') },
  { schema: 'STRING', value: v('string', 'true') },
  { schema: 'BYTES', value: v('bytes', b64(1)) },
  { schema: null, value: v('string', 'true') },
  { schema: null, value: v('long', '1') },
  { schema: null, value: v('double', '0.5') },
  { schema: null, value: v('bytes', b64(1)) },
];

function numberReads(name: Exclude<ConverterName, 'BooleanConverter'>): (string | null)[] {
  const { size } = NUMBER_TYPES[name];
  const pattern = (...bytes: number[]) =>
    b64(...bytes.slice(0, size), ...new Array(Math.max(0, size - bytes.length)).fill(0));
  const inputs: (string | null)[] = [
    null,
    b64(),
    b64(...new Array(size - 1).fill(1)),
    b64(...new Array(size + 1).fill(1)),
    pattern(0),
    pattern(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    pattern(0x80),
    pattern(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    pattern(0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0),
    pattern(0, 0, 0, 0, 0, 0, 0, 1),
  ];
  if (name === 'LongConverter')
    inputs.push(pattern(0, 0x20, 0, 0, 0, 0, 0, 0), pattern(0xff, 0xdf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
  if (name === 'FloatConverter')
    inputs.push(
      pattern(0x7f, 0xc0),
      pattern(0x7f, 0x80),
      pattern(0xff, 0x80),
      pattern(0x3f, 0x80),
      pattern(0, 0, 0, 1),
      pattern(0x7f, 0x80, 0, 1),
    );
  if (name === 'DoubleConverter')
    inputs.push(
      pattern(0x7f, 0xf8),
      pattern(0x7f, 0xf0),
      pattern(0xff, 0xf0),
      pattern(0x3f, 0xf0),
      pattern(0, 0, 0, 0, 0, 0, 0, 1),
      pattern(0x7f, 0xf0, 0, 0, 0, 0, 0, 1),
    );
  return [...new Set(inputs)];
}

const BOOLEAN_READS: (string | null)[] = [
  null,
  b64(),
  b64(0),
  b64(1),
  b64(2),
  b64(0xff),
  b64(0x80),
  b64(0, 1),
  b64(1, 1),
];

const CONVERTERS: readonly ConverterName[] = [
  'BooleanConverter',
  'DoubleConverter',
  'FloatConverter',
  'IntegerConverter',
  'LongConverter',
  'ShortConverter',
];

interface OurWriteCase extends JavaWriteCase {
  lenient: boolean;
}

const writeCases: OurWriteCase[] = [];
const readCases: JavaReadCase[] = [];
for (const converter of CONVERTERS) {
  const writes = converter === 'BooleanConverter' ? BOOLEAN_WRITES : numberWrites(converter);
  const reads = converter === 'BooleanConverter' ? BOOLEAN_READS : numberReads(converter);
  for (const lane of LANES) {
    const where = `${converter}${lane.header ? ' header' : lane.isKey ? ' key' : ''}`;
    for (const spec of writes) {
      writeCases.push({
        id: `write ${where}: ${spec.value.kind} ${spec.value.text ?? ''} under ${spec.schema ?? 'no schema'}`,
        converter,
        ...lane,
        schema: spec.schema,
        value: spec.value,
        lenient: spec.lenient ?? false,
      });
    }
    for (const input of reads) {
      const hex = input === null ? 'null' : `0x${Buffer.from(input, 'base64').toString('hex')}`;
      readCases.push({ id: `read ${where}: ${hex}`, converter, ...lane, input });
    }
  }
}

const javaCases: JavaCase[] = [...writeCases.map(({ lenient: _lenient, ...c }) => c), ...readCases];

function ourConverter(name: ConverterName, isKey: boolean): Converter & HeaderConverter {
  const converter = {
    BooleanConverter: () => new BooleanConverter(),
    DoubleConverter: () => new DoubleConverter(),
    FloatConverter: () => new FloatConverter(),
    IntegerConverter: () => new IntegerConverter(),
    LongConverter: () => new LongConverter(),
    ShortConverter: () => new ShortConverter(),
  }[name]();
  converter.configure({}, isKey);
  return converter;
}

function ourSchema(name: string | null): Schema | null {
  if (name === null) return null;
  const schema = (Schemas as Record<string, Schema>)[name];
  if (!schema) throw new Error(`no schema ${name}`);
  return schema;
}

/** The value msa-sync holds for the Java value. */
function ourValue(value: JavaValue): unknown {
  const text = value.text ?? '';
  switch (value.kind) {
    case 'null':
      return null;
    case 'byte':
    case 'short':
    case 'int':
    case 'double':
      return Number(text);
    case 'float':
      return Math.fround(Number(text));
    case 'long':
      return normalizeInt64(BigInt(text));
    case 'boolean':
      return text === 'true';
    case 'string':
      return text;
    case 'bytes':
      return Buffer.from(text, 'base64');
  }
}

type Outcome<T> = { ok: true; result: T } | { ok: false; error: unknown };
function attempt<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, result: run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Our error as the harness reports Apache's: class (simple name), message, cause's class and message. */
function expectSameError(ours: unknown, java: JavaError): void {
  expect(ours).toBeInstanceOf(Error);
  const error = ours as Error;
  expect(error.name).toBe('DataError');
  expect(java.class).toBe('org.apache.kafka.connect.errors.DataException');
  expect(error.message).toBe(java.message);
  const cause = error.cause as Error | undefined;
  if (java.causeClass === undefined) {
    expect(cause).toBeUndefined();
  } else {
    expect(cause?.name).toBe(java.causeClass.slice(java.causeClass.lastIndexOf('.') + 1));
    expect(cause?.message).toBe(java.causeMessage);
  }
}

function floatBits(value: number): bigint {
  const bytes = Buffer.alloc(4);
  bytes.writeFloatBE(value);
  return BigInt(bytes.readUInt32BE(0));
}

function doubleBits(value: number): bigint {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(value);
  return bytes.readBigUInt64BE(0);
}

/** Java's value class for a schema type the converters read. */
const JAVA_CLASSES: Record<string, string> = {
  int16: 'java.lang.Short',
  int32: 'java.lang.Integer',
  int64: 'java.lang.Long',
  float32: 'java.lang.Float',
  float64: 'java.lang.Double',
  boolean: 'java.lang.Boolean',
};

let harness: ReturnType<typeof compileHarness> | undefined;
afterAll(() => harness?.dispose());

describe('Boolean/Double/Float/Integer/Long/Short converters vs Kafka 4.4.0', () => {
  let run: JavaRun;

  beforeAll(() => {
    harness = compileHarness();
    run = runHarness(harness.classes, javaCases);
  }, 180_000);

  it('ran every case on the JVM', () => {
    expect(run.javaVersion).toBeGreaterThanOrEqual(17);
    expect(run.results.size).toBe(javaCases.length);
  });

  it.each(writeCases)('$id', (c) => {
    const java = run.results.get(c.id);
    if (!java || (java.ok && !('output' in java))) throw new Error(`no Java write result for ${c.id}`);
    const converter = ourConverter(c.converter, c.isKey);
    const schema = ourSchema(c.schema);
    const value = ourValue(c.value);
    const ours = attempt(() =>
      c.header
        ? converter.fromConnectHeader('topic', 'key', schema, value)
        : converter.fromConnectData('topic', schema, value),
    );
    if (c.lenient) {
      expect(java.ok, 'Kafka refuses a value of another class').toBe(false);
      expect(ours.ok, 'ours writes the number').toBe(true);
      return;
    }
    if (!java.ok) {
      if (ours.ok)
        throw new Error(`ours wrote ${String(ours.result?.toString('hex'))}; Kafka: ${java.error.message}`);
      expectSameError(ours.error, java.error);
      return;
    }
    if (!ours.ok) throw ours.error;
    expect(ours.result === null ? null : ours.result.toString('base64')).toBe(java.output);
  });

  it.each(readCases)('$id', (c) => {
    const java = run.results.get(c.id);
    if (!java || (java.ok && !('schema' in java))) throw new Error(`no Java read result for ${c.id}`);
    const converter = ourConverter(c.converter, c.isKey);
    const input = c.input === null ? null : Buffer.from(c.input, 'base64');
    const ours = attempt(() =>
      c.header ? converter.toConnectHeader('topic', 'key', input) : converter.toConnectData('topic', input),
    );
    if (!java.ok) {
      if (ours.ok) throw new Error(`ours read ${String(ours.result.value)}; Kafka: ${java.error.message}`);
      expectSameError(ours.error, java.error);
      return;
    }
    if (!ours.ok) throw ours.error;
    const { schema, value } = ours.result;
    expect({ type: schema?.type, optional: schema?.optional }).toEqual(java.schema);
    if (java.value === null) {
      expect(value).toBeNull();
      return;
    }
    expect(JAVA_CLASSES[schema?.type ?? '']).toBe(java.value.class);
    switch (java.value.class) {
      case 'java.lang.Float':
        expect(typeof value).toBe('number');
        expect(Object.is(Math.fround(value as number), value)).toBe(true);
        // floatToIntBits: every NaN is the one canonical NaN.
        if (Number.isNaN(value)) expect(java.value.text).toBe('NaN');
        else expect(floatBits(value as number)).toBe(BigInt(`0x${java.value.bits}`));
        break;
      case 'java.lang.Double':
        expect(typeof value).toBe('number');
        if (Number.isNaN(value)) expect(java.value.text).toBe('NaN');
        else expect(doubleBits(value as number)).toBe(BigInt(`0x${java.value.bits}`));
        break;
      case 'java.lang.Long':
        expect(value).toBe(normalizeInt64(BigInt(java.value.text)));
        break;
      case 'java.lang.Boolean':
        expect(value).toBe(java.value.text === 'true');
        break;
      default:
        expect(value).toBe(Number(java.value.text));
    }
    // What was read is written back as the same bytes (Apache's round trip), NaN payloads aside.
    const nan = typeof value === 'number' && Number.isNaN(value);
    if (!nan) expect(converter.fromConnectData('topic', schema, value)).toEqual(input);
  });
});
