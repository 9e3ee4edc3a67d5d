import { DataError } from '../data/data-error.js';
import { Decimal } from '../data/decimal.js';
import { DecimalType } from '../data/decimal-type.js';
import { normalizeInt64 } from '../data/int64.js';
import { DATE_LOGICAL_NAME, TIME_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME } from '../data/logical-type-names.js';
import { Schema, type SchemaType } from '../data/schema.js';
import type { SchemaAndValue } from '../data/schema-and-value.js';
import { Schemas } from '../data/schemas.js';
import { DateType, TimestampType, TimeType } from '../data/temporal-types.js';
import { JavaSimpleDateFormat, javaDigit } from './java-simple-date-format.js';

/**
 * Apache Connect's `Values.parseString` (4.4.0): the schema and value a literal string stands
 * for, as `InsertHeader`'s `value.literal` is read. In order of preference: `null`, `true` /
 * `false`, arrays `[...]` and maps `{...}` of such literals (elements widened to a common numeric
 * schema, `"quoted"` strings inside), ISO-8601 date / time / timestamp
 * (`2024-01-31`, `12:30:00.000Z`, `2024-01-31T12:30:00.000Z`, parsed leniently in UTC), numbers
 * (the narrowest of int8/16/32/64, else float32 / float64, else a Decimal), and otherwise the
 * string itself. The quirks are Apache's: only the first token of a top-level value is looked
 * at for numbers and dates (`1,2` is the int8 1), and an array or map that does not parse is the
 * whole text as a string.
 *
 * Values: int8/16/32 numbers, int64 number or bigint, float32 the nearest float as a number,
 * Decimal a {@link Decimal}, dates a `Date`, arrays JS arrays, maps JS `Map`s in insertion order.
 * A map or array without a common element schema has no value/key schema, as in Apache.
 */
export function parseHeaderLiteral(text: string | null): SchemaAndValue {
  if (text === null) return { schema: null, value: null };
  if (text === '') return { schema: Schemas.STRING, value: text };
  const parsed = new ValueParser(new Tokenizer(text)).parse(false);
  if (parsed === null) return { schema: null, value: null };
  return { schema: parsed.schema, value: toJs(parsed.value) };
}

/**
 * A literal Apache parses into a value this worker cannot hold: a date beyond a JavaScript
 * `Date`'s range (±275,760 years), a Decimal beyond its scale limits, or a map whose keys Java
 * tells apart but a JavaScript `Map` does not (0 and -0.0).
 */
export class UnrepresentableLiteralError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrepresentableLiteralError';
  }
}

// ---------------------------------------------------------------------------------------------
// Values as Java holds them while parsing: the Java class matters for map keys and conversions.

type JavaValue =
  | { readonly jt: 'Byte' | 'Short' | 'Integer' | 'Float' | 'Double'; readonly v: number }
  | { readonly jt: 'Long'; readonly v: bigint }
  | { readonly jt: 'Boolean'; readonly v: boolean }
  | { readonly jt: 'String'; readonly v: string }
  | { readonly jt: 'Date'; readonly ms: bigint }
  | { readonly jt: 'BigDecimal'; readonly unscaled: bigint; readonly scale: number }
  | { readonly jt: 'List'; readonly items: readonly (JavaValue | null)[] }
  | { readonly jt: 'Map'; readonly entries: readonly (readonly [JavaValue, JavaValue | null])[] };

interface Parsed {
  readonly schema: Schema;
  readonly value: JavaValue;
}

/** Parsing gave up on an array or map (Java's DataException, caught by the parser). */
class ParseFailure extends Error {}
/** `new BigDecimal(text)` refused the text (Java's NumberFormatException). */
class NotANumber extends Error {}

const TRUE: Parsed = { schema: Schemas.BOOLEAN, value: { jt: 'Boolean', v: true } };
const FALSE: Parsed = { schema: Schemas.BOOLEAN, value: { jt: 'Boolean', v: false } };

function stringValue(text: string): Parsed {
  return { schema: Schemas.STRING, value: { jt: 'String', v: text } };
}

/** Java's `String.trim`: strips every char up to U+0020 at both ends. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

function isBlank(text: string): boolean {
  return javaTrim(text) === '';
}

// ---------------------------------------------------------------------------------------------
// Values.Parser: the tokenizer (delimiters , : [ ] { } " unless escaped by a backslash)

const DELIMITERS = new Set([0x3a, 0x2c, 0x7b, 0x7d, 0x5b, 0x5d, 0x22]);

class Tokenizer {
  readonly original: string;
  #index = 0;
  #nextToken: string | null = null;
  #previousToken: string | null = null;

  constructor(original: string) {
    this.original = original;
  }

  position(): number {
    return this.#index;
  }

  mark(): number {
    return this.#index - (this.#nextToken !== null ? this.#nextToken.length : 0);
  }

  rewindTo(position: number): void {
    this.#index = position;
    this.#nextToken = null;
    this.#previousToken = null;
  }

  hasNext(): boolean {
    return this.#nextToken !== null || this.#canConsumeNextToken();
  }

  #canConsumeNextToken(): boolean {
    return this.original.length > this.#index;
  }

  next(): string {
    if (this.#nextToken !== null) {
      this.#previousToken = this.#nextToken;
      this.#nextToken = null;
    } else {
      this.#previousToken = this.#consumeNextToken();
    }
    return this.#previousToken;
  }

  /** The raw text of the next `n` tokens, or null (position unchanged) when there are fewer. */
  nextN(n: number): string | null {
    const start = this.mark();
    for (let i = 0; i !== n; i++) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return null;
      }
      this.next();
    }
    return this.original.slice(start, this.position());
  }

  #consumeNextToken(): string {
    const text = this.original;
    let escaped = false;
    const start = this.#index;
    while (this.#canConsumeNextToken()) {
      const c = text.charCodeAt(this.#index);
      if (c === 0x5c) {
        escaped = !escaped;
      } else if (DELIMITERS.has(c)) {
        if (!escaped) {
          if (start < this.#index) return text.slice(start, this.#index);
          this.#index++;
          return text.slice(start, start + 1);
        }
        escaped = false;
      } else {
        escaped = false;
      }
      this.#index++;
    }
    return text.slice(start, this.#index);
  }

  previous(): string | null {
    return this.#previousToken;
  }

  canConsume(expected: string): boolean {
    if (this.#isNext(expected)) {
      this.#nextToken = null;
      return true;
    }
    return false;
  }

  #isNext(expected: string): boolean {
    if (this.#nextToken === null) {
      if (!this.hasNext()) return false;
      this.#nextToken = this.#consumeNextToken();
    }
    while (isBlank(this.#nextToken) && this.#canConsumeNextToken())
      this.#nextToken = this.#consumeNextToken();
    return javaTrim(this.#nextToken) === expected;
  }
}

// ---------------------------------------------------------------------------------------------
// Values.ValueParser

class ValueParser {
  readonly #parser: Tokenizer;

  constructor(parser: Tokenizer) {
    this.#parser = parser;
  }

  #canParseSingleTokenLiteral(embedded: boolean, literal: string): boolean {
    const start = this.#parser.mark();
    if (this.#parser.canConsume(literal) && (embedded || !this.#parser.hasNext())) return true;
    this.#parser.rewindTo(start);
    return false;
  }

  /** null for the `null` literal (and for nothing left to parse). */
  parse(embedded: boolean): Parsed | null {
    const parser = this.#parser;
    if (!parser.hasNext()) return null;
    if (embedded && parser.canConsume('"')) return this.#parseQuotedString();
    if (this.#canParseSingleTokenLiteral(embedded, 'null')) return null;
    if (this.#canParseSingleTokenLiteral(embedded, 'true')) return TRUE;
    if (this.#canParseSingleTokenLiteral(embedded, 'false')) return FALSE;
    const start = parser.mark();
    try {
      if (parser.canConsume('[')) return this.#parseArray();
      if (parser.canConsume('{')) return this.#parseMap();
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      parser.rewindTo(start);
    }
    const token = parser.next();
    if (isBlank(token)) return stringValue(token);
    return this.#parseNextToken(embedded, javaTrim(token));
  }

  #parseNextToken(embedded: boolean, token: string): Parsed {
    const first = token.charCodeAt(0);
    const firstIsDigit = javaDigit(first) >= 0;
    if (firstIsDigit) {
      const temporal = this.#parseMultipleTokensAsTemporal(token);
      if (temporal !== null) return temporal;
    }
    if (firstIsDigit || first === 0x2b || first === 0x2d) {
      try {
        return parseAsNumber(token);
      } catch (error) {
        if (!(error instanceof NotANumber)) throw error;
      }
    }
    if (embedded) throw new ParseFailure('Failed to parse embedded value');
    return stringValue(this.#parser.original);
  }

  #parseQuotedString(): Parsed {
    let content = '';
    while (this.#parser.hasNext()) {
      if (this.#parser.canConsume('"')) break;
      content += this.#parser.next();
    }
    return parseAsTemporal(content) ?? stringValue(content);
  }

  #parseArray(): Parsed {
    const parser = this.#parser;
    const items: (JavaValue | null)[] = [];
    const elementSchema = new SchemaMerger();
    while (parser.hasNext()) {
      if (parser.canConsume(']')) {
        const common = elementSchema.schema();
        if (common !== null) {
          return {
            schema: new Schema({ type: 'array', valueSchema: common }),
            value: { jt: 'List', items: items.map((item) => convertTo(common, item)) },
          };
        }
        return { schema: new Schema({ type: 'array' }), value: { jt: 'List', items } };
      }
      if (parser.canConsume(',')) throw new ParseFailure('Unable to parse an empty array element');
      const element = this.parse(true);
      elementSchema.merge(element);
      items.push(element !== null ? element.value : null);
      const current = parser.mark();
      if (parser.canConsume(']')) parser.rewindTo(current);
      else if (!parser.canConsume(',')) throw new ParseFailure("Array elements missing ',' delimiter");
    }
    throw new ParseFailure('Array is missing a terminating ]');
  }

  #parseMap(): Parsed {
    const parser = this.#parser;
    const entries: [JavaValue, JavaValue | null][] = [];
    const keySchema = new SchemaMerger();
    const valueSchema = new SchemaMerger();
    while (parser.hasNext()) {
      if (parser.canConsume('}')) {
        const keys = keySchema.schema();
        const values = valueSchema.schema();
        if (keys !== null && values !== null) {
          const aligned: [JavaValue, JavaValue | null][] = [];
          for (const [key, value] of entries) {
            putEntry(aligned, convertTo(keys, key) as JavaValue, convertTo(values, value));
          }
          return {
            schema: new Schema({ type: 'map', keySchema: keys, valueSchema: values }),
            value: { jt: 'Map', entries: aligned },
          };
        }
        if (keys !== null) {
          const aligned: [JavaValue, JavaValue | null][] = [];
          for (const [key, value] of entries) putEntry(aligned, convertTo(keys, key) as JavaValue, value);
          return {
            schema: new Schema({ type: 'map', keySchema: keys }),
            value: { jt: 'Map', entries: aligned },
          };
        }
        return { schema: new Schema({ type: 'map' }), value: { jt: 'Map', entries } };
      }
      if (parser.canConsume(',')) throw new ParseFailure('Unable to parse a map entry with no key or value');
      const key = this.parse(true);
      if (key === null) throw new ParseFailure('Map entry may not have a null key');
      if (!parser.canConsume(':')) throw new ParseFailure("Map entry is missing ':'");
      const value = this.parse(true);
      putEntry(entries, key.value, value !== null ? value.value : null);
      parser.canConsume(',');
      keySchema.merge(key);
      valueSchema.merge(value);
    }
    throw new ParseFailure('Map is missing a terminating }');
  }

  #parseMultipleTokensAsTemporal(token: string): Parsed | null {
    // A time or timestamp is split into five tokens at its unescaped colons.
    const position = this.#parser.mark();
    const remainder = this.#parser.nextN(4);
    if (remainder !== null) {
      const temporal = parseAsTemporal(token + remainder);
      if (temporal !== null) return temporal;
    }
    this.#parser.rewindTo(position);
    return parseAsTemporal(token);
  }
}

/** LinkedHashMap.put: an equal key (Java `equals`) keeps its place and takes the new value. */
function putEntry(entries: [JavaValue, JavaValue | null][], key: JavaValue, value: JavaValue | null): void {
  const existing = entries.find(([k]) => javaEquals(k, key));
  if (existing) existing[1] = value;
  else entries.push([key, value]);
}

function javaEquals(a: JavaValue | null, b: JavaValue | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.jt !== b.jt) return false;
  switch (a.jt) {
    case 'Byte':
    case 'Short':
    case 'Integer':
    case 'Float':
    case 'Double':
    case 'Long':
    case 'Boolean':
    case 'String':
      return Object.is(a.v, (b as typeof a).v);
    case 'Date':
      return a.ms === (b as typeof a).ms;
    case 'BigDecimal':
      return a.unscaled === (b as typeof a).unscaled && a.scale === (b as typeof a).scale;
    case 'List': {
      const other = b as typeof a;
      return (
        a.items.length === other.items.length &&
        a.items.every((item, i) => javaEquals(item, other.items[i] ?? null))
      );
    }
    case 'Map': {
      const other = b as typeof a;
      if (a.entries.length !== other.entries.length) return false;
      return a.entries.every(([key, value]) => {
        const match = other.entries.find(([k]) => javaEquals(k, key));
        return match !== undefined && javaEquals(value, match[1]);
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers (ValueParser.parseAsNumber / parseAsExactDecimal, with BigDecimal's parsing)

interface BigDecimalValue {
  readonly unscaled: bigint;
  readonly scale: number;
}

/** `new BigDecimal(text)`; throws {@link NotANumber} where Java throws NumberFormatException. */
function parseBigDecimal(text: string): BigDecimalValue {
  let offset = 0;
  let negative = false;
  if (text.charAt(0) === '-') {
    negative = true;
    offset = 1;
  } else if (text.charAt(0) === '+') {
    offset = 1;
  }
  let digits = '';
  let fraction = 0;
  let dot = false;
  let exponent = 0;
  for (; offset < text.length; offset++) {
    const c = text.charCodeAt(offset);
    const digit = javaDigit(c);
    if (digit >= 0) {
      digits += String(digit);
      if (dot) fraction++;
      continue;
    }
    if (c === 0x2e) {
      if (dot) throw new NotANumber('Character array contains more than one decimal point.');
      dot = true;
      continue;
    }
    if (c !== 0x65 && c !== 0x45) throw new NotANumber('Not a decimal digit, point or exponent mark.');
    exponent = parseExponent(text, offset);
    break;
  }
  if (digits === '') throw new NotANumber('No digits found.');
  const scale = fraction - exponent;
  if (scale > 2 ** 31 - 1 || scale < -(2 ** 31)) throw new NotANumber('Scale out of range.');
  const unscaled = BigInt(digits);
  return { unscaled: negative ? -unscaled : unscaled, scale };
}

/** BigDecimal.parseExp: the exponent after the `e` at `offset`, which must end the text. */
function parseExponent(text: string, at: number): number {
  let offset = at + 1;
  let len = text.length - offset;
  if (len <= 0) throw new NotANumber('No exponent.');
  let c = text.charCodeAt(offset);
  const negative = c === 0x2d;
  if (negative || c === 0x2b) {
    offset++;
    len--;
    if (len <= 0) throw new NotANumber('No exponent digits.');
    c = text.charCodeAt(offset);
  }
  while (len > 10 && javaDigit(c) === 0) {
    offset++;
    len--;
    c = text.charCodeAt(offset);
  }
  if (len > 10) throw new NotANumber('Too many nonzero exponent digits.');
  let exponent = 0;
  for (;;) {
    const v = javaDigit(c);
    if (v < 0) throw new NotANumber('Not a digit.');
    exponent = exponent * 10 + v;
    if (len === 1) break;
    offset++;
    len--;
    c = text.charCodeAt(offset);
  }
  if (exponent > 2 ** 31 - 1) throw new NotANumber('Exponent overflow.');
  return negative ? -exponent : exponent;
}

const INT64_MIN_BIG = -(2n ** 63n);
const INT64_MAX_BIG = 2n ** 63n - 1n;

function parseAsNumber(token: string): Parsed {
  const decimal = parseBigDecimal(token);
  const exact = parseAsExactDecimal(decimal);
  if (exact !== null) return exact;
  const text = `${decimal.unscaled}e${-decimal.scale}`;
  const float = decimalToFloat32(decimal, text);
  if (Number.isFinite(float) && decimal.scale !== 0) {
    return { schema: Schemas.FLOAT32, value: { jt: 'Float', v: float } };
  }
  const double = Number(text);
  if (Number.isFinite(double) && decimal.scale !== 0) {
    return { schema: Schemas.FLOAT64, value: { jt: 'Double', v: double } };
  }
  return {
    schema: decimalSchema(decimal.scale),
    value: { jt: 'BigDecimal', unscaled: decimal.unscaled, scale: decimal.scale },
  };
}

function decimalSchema(scale: number): Schema {
  return DecimalType.schema(scale);
}

/** 4.4.0's parseAsExactDecimal: whole numbers within int64 as the narrowest integer type. */
function parseAsExactDecimal({ unscaled, scale }: BigDecimalValue): Parsed | null {
  if (unscaled !== 0n) {
    const magnitude = unscaled < 0n ? -unscaled : unscaled;
    const adjusted = magnitude.toString().length - 1 - scale;
    // |value| > 1e19, or 0 < |value| < 1
    if (adjusted < 0 || adjusted > 19) return null;
    if (adjusted === 19 && compareToPowerOfTen(magnitude, scale, 19) > 0) return null;
    // a whole number: the digits dropped by the scale are zeros
    if (scale > 0 && magnitude % 10n ** BigInt(scale) !== 0n) return null;
  }
  const integral =
    unscaled === 0n ? 0n : scale > 0 ? unscaled / 10n ** BigInt(scale) : unscaled * 10n ** BigInt(-scale);
  if (integral < INT64_MIN_BIG || integral > INT64_MAX_BIG) return null;
  if (integral >= -128n && integral <= 127n)
    return { schema: Schemas.INT8, value: { jt: 'Byte', v: Number(integral) } };
  if (integral >= -32768n && integral <= 32767n) {
    return { schema: Schemas.INT16, value: { jt: 'Short', v: Number(integral) } };
  }
  if (integral >= -(2n ** 31n) && integral < 2n ** 31n) {
    return { schema: Schemas.INT32, value: { jt: 'Integer', v: Number(integral) } };
  }
  return { schema: Schemas.INT64, value: { jt: 'Long', v: integral } };
}

/** Sign of magnitude × 10^-scale − 10^power. */
function compareToPowerOfTen(magnitude: bigint, scale: number, power: number): number {
  const left = scale >= 0 ? magnitude : magnitude * 10n ** BigInt(-scale);
  const right = scale >= 0 ? 10n ** BigInt(power + scale) : 10n ** BigInt(power);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * BigDecimal.floatValue: the float nearest the exact decimal. `Math.fround` of the nearest double
 * can be off by one ulp when that double falls exactly halfway between two floats; the exact
 * value settles those cases.
 */
function decimalToFloat32(decimal: BigDecimalValue, text: string): number {
  const double = Number(text);
  const float = Math.fround(double);
  if (float === double || !Number.isFinite(double)) return float;
  const [low, high] = float < double ? [float, nextFloatUp(float)] : [nextFloatDown(float), float];
  if ((low + high) / 2 !== double) return float;
  const comparison = compareDecimalToDouble(decimal, double);
  if (comparison === 0) return float;
  return comparison > 0 ? high : low;
}

const FLOAT_MAX = 3.4028234663852886e38;
const FLOAT_OVERFLOW = 2 ** 128;

function nextFloatUp(f: number): number {
  if (f === FLOAT_MAX) return FLOAT_OVERFLOW;
  const buffer = new DataView(new ArrayBuffer(4));
  buffer.setFloat32(0, f);
  const bits = buffer.getInt32(0);
  if (f === 0) buffer.setInt32(0, 1);
  else buffer.setInt32(0, f > 0 ? bits + 1 : bits - 1);
  return buffer.getFloat32(0);
}

function nextFloatDown(f: number): number {
  return -nextFloatUp(-f);
}

/** Sign of (exact decimal − double), both finite. */
function compareDecimalToDouble({ unscaled, scale }: BigDecimalValue, double: number): number {
  const buffer = new DataView(new ArrayBuffer(8));
  buffer.setFloat64(0, double);
  const bits = buffer.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent: number;
  if (exponentBits === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  const doubleNumerator = negative ? -mantissa : mantissa;
  // unscaled / 10^scale  vs  doubleNumerator * 2^exponent
  let left = unscaled;
  let right = doubleNumerator;
  if (scale >= 0) right *= 10n ** BigInt(scale);
  else left *= 10n ** BigInt(-scale);
  if (exponent >= 0) right <<= BigInt(exponent);
  else left <<= BigInt(-exponent);
  return left < right ? -1 : left > right ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Temporal literals

/** Lengths of the ISO-8601 texts: yyyy-MM-dd, HH:mm:ss.SSSZ, yyyy-MM-ddTHH:mm:ss.SSSZ. */
const ISO_DATE_LENGTH = 10;
const ISO_TIME_LENGTH = 13;
const ISO_TIMESTAMP_LENGTH = 24;

/**
 * Values' ISO-8601 formats (UTC, lenient). Values parses with `parse(text, new ParsePosition(0))`,
 * which for these patterns (each starts with a number) fails exactly where parse(text) does.
 */
const ISO_FORMATS = {
  date: new JavaSimpleDateFormat('yyyy-MM-dd'),
  time: new JavaSimpleDateFormat("HH:mm:ss.SSS'Z'"),
  timestamp: new JavaSimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"),
} as const;

function parseAsTemporal(token: string): Parsed | null {
  const text = token.replaceAll('\\:', ':');
  let kind: 'date' | 'time' | 'timestamp';
  let schema: Schema;
  if (text.length === ISO_TIME_LENGTH) {
    kind = 'time';
    schema = TimeType.SCHEMA;
  } else if (text.length === ISO_TIMESTAMP_LENGTH) {
    kind = 'timestamp';
    schema = TimestampType.SCHEMA;
  } else if (text.length === ISO_DATE_LENGTH) {
    kind = 'date';
    schema = DateType.SCHEMA;
  } else {
    return null;
  }
  const ms = ISO_FORMATS[kind].parse(text);
  return ms === undefined ? null : { schema, value: { jt: 'Date', ms } };
}

// ---------------------------------------------------------------------------------------------
// Common schemas of array elements / map keys and values (Values.SchemaMerger, mergeSchemas)

class SchemaMerger {
  #common: Schema | null = null;
  #compatible = true;

  merge(latest: Parsed | null): void {
    if (latest === null || !this.#compatible) return;
    if (this.#common === null) {
      this.#common = latest.schema;
    } else {
      this.#common = mergeSchemas(this.#common, latest.schema);
      this.#compatible = this.#common !== null;
    }
  }

  schema(): Schema | null {
    return this.#common;
  }
}

const NUMERIC_ORDER: readonly SchemaType[] = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64'];

function mergeSchemas(previous: Schema, next: Schema): Schema | null {
  if (previous.type !== next.type) {
    const from = NUMERIC_ORDER.indexOf(previous.type);
    const to = NUMERIC_ORDER.indexOf(next.type);
    if (from < 0 || to < 0) return null;
    return to > from ? next : previous;
  }
  // Same type (every parsed schema is required): the newer schema.
  return next;
}

// ---------------------------------------------------------------------------------------------
// Values.convertTo (no source schema), on the Java values

const MILLIS_PER_DAY = 86_400_000n;

function convertTo(target: Schema, value: JavaValue | null): JavaValue | null {
  if (value === null) {
    if (target.optional) return null;
    throw new ParseFailure('Unable to convert a null value to a schema that requires a value');
  }
  switch (target.name) {
    case DATE_LOGICAL_NAME:
      if (value.jt === 'Date') return value;
      return { jt: 'Date', ms: BigInt(toInt(asLong(value))) * MILLIS_PER_DAY };
    case TIME_LOGICAL_NAME: {
      if (value.jt === 'Date') return value;
      const millis = toInt(asLong(value));
      if (millis < 0 || millis > 86_400_000) {
        throw new ParseFailure(
          'Time values must use number of milliseconds greater than 0 and less than 86400000',
        );
      }
      return { jt: 'Date', ms: BigInt(millis) };
    }
    case TIMESTAMP_LOGICAL_NAME:
      if (value.jt === 'Date') return value;
      return { jt: 'Date', ms: asLong(value) };
    default:
      break;
  }
  switch (target.type) {
    case 'int8':
      return value.jt === 'Byte' ? value : { jt: 'Byte', v: Number(BigInt.asIntN(8, asLong(value))) };
    case 'int16':
      return value.jt === 'Short' ? value : { jt: 'Short', v: Number(BigInt.asIntN(16, asLong(value))) };
    case 'int32':
      return value.jt === 'Integer' ? value : { jt: 'Integer', v: toInt(asLong(value)) };
    case 'int64':
      return value.jt === 'Long' ? value : { jt: 'Long', v: asLong(value) };
    case 'float32':
      return value.jt === 'Float' ? value : { jt: 'Float', v: Math.fround(asDouble(value)) };
    case 'float64':
      return value.jt === 'Double' ? value : { jt: 'Double', v: asDouble(value) };
    default:
      // Booleans, strings, decimals, lists and maps are only ever merged with their own kind.
      return value;
  }
}

function toInt(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}

/** Values.asLong without a source schema: numbers only. */
function asLong(value: JavaValue): bigint {
  switch (value.jt) {
    case 'Byte':
    case 'Short':
    case 'Integer':
      return BigInt(value.v);
    case 'Long':
      return value.v;
    case 'Float':
    case 'Double':
      return doubleToLong(value.v);
    case 'BigDecimal': {
      const integral =
        value.scale > 0
          ? value.unscaled / 10n ** BigInt(value.scale)
          : value.unscaled * 10n ** BigInt(-value.scale);
      return BigInt.asIntN(64, integral);
    }
    default:
      throw new ParseFailure('Unable to convert the value to a number');
  }
}

function asDouble(value: JavaValue): number {
  switch (value.jt) {
    case 'Float':
    case 'Double':
    case 'Byte':
    case 'Short':
    case 'Integer':
      return value.v;
    case 'Long':
      return Number(value.v);
    case 'BigDecimal':
      return Number(`${value.unscaled}e${-value.scale}`);
    default:
      return Number(asLong(value));
  }
}

/** Java's `(long)` of a double. */
function doubleToLong(value: number): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value >= 2 ** 63) return INT64_MAX_BIG;
  if (value <= -(2 ** 63)) return INT64_MIN_BIG;
  return BigInt(Math.trunc(value));
}

// ---------------------------------------------------------------------------------------------
// To this worker's value model

const MAX_DATE_MILLIS = 8_640_000_000_000_000n;

function toJs(value: JavaValue | null): unknown {
  if (value === null) return null;
  switch (value.jt) {
    case 'Byte':
    case 'Short':
    case 'Integer':
    case 'Float':
    case 'Double':
    case 'Boolean':
    case 'String':
      return value.v;
    case 'Long':
      return normalizeInt64(value.v);
    case 'Date':
      if (value.ms > MAX_DATE_MILLIS || value.ms < -MAX_DATE_MILLIS) {
        throw new UnrepresentableLiteralError(
          `the date ${value.ms} ms from the epoch is beyond the range of a JavaScript Date`,
        );
      }
      return new Date(Number(value.ms));
    case 'BigDecimal':
      try {
        return new Decimal(value.unscaled, value.scale);
      } catch (error) {
        if (error instanceof DataError) throw new UnrepresentableLiteralError(error.message);
        throw error;
      }
    case 'List':
      return value.items.map(toJs);
    case 'Map': {
      const map = new Map<unknown, unknown>();
      for (const [key, entry] of value.entries) {
        const jsKey = toJs(key);
        if (map.has(jsKey)) {
          throw new UnrepresentableLiteralError(
            'the map has keys Java tells apart that a JavaScript Map cannot (such as the int 0 and the float 0.0)',
          );
        }
        map.set(jsKey, toJs(entry));
      }
      return map;
    }
  }
}
