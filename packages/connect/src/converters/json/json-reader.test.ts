import { describe, expect, it } from 'vitest';
import { JsonReader, JsonSyntaxError } from './json-reader.js';

const reader = (text: string) => new JsonReader(Buffer.from(text, 'utf8'));

describe('JsonReader', () => {
  it('walks objects and arrays', () => {
    const r = reader(' { "a" : [1, "x", true, null] , "b":{} } ');
    r.beginObject();
    expect(r.nextKey()).toBe('a');
    r.beginArray();
    expect(r.nextElement()).toBe(true);
    r.readNumber();
    expect(r.smallIntegerValue()).toBe(1);
    expect(r.nextElement()).toBe(true);
    expect(r.readString()).toBe('x');
    expect(r.nextElement()).toBe(true);
    expect(r.readBoolean()).toBe(true);
    expect(r.nextElement()).toBe(true);
    expect(r.tryNull()).toBe(true);
    expect(r.nextElement()).toBe(false);
    expect(r.nextKey()).toBe('b');
    r.skipValue();
    expect(r.nextKey()).toBeUndefined();
    expect(r.peek()).toBe(-1);
  });

  it('decodes escapes and UTF-8', () => {
    expect(reader('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"').readString()).toBe(
      'a"b\\c/d\b\f\n\r\té😀',
    );
    expect(reader('"한글 é"').readString()).toBe('한글 é');
    expect(reader('"\\ud800"').readString()).toBe('\ud800');
  });

  it('matches expected keys by their raw bytes', () => {
    const r = reader('{"id":1,"name":2,"i\\u0064":3}');
    r.beginObject();
    expect(r.nextKeyMatching(Buffer.from('id'))).toBe(true);
    r.skipValue();
    expect(r.nextKeyMatching(Buffer.from('id'))).toBe('name');
    r.skipValue();
    expect(r.nextKeyMatching(Buffer.from('id'))).toBe('id');
  });

  it('reads number tokens with Jackson’s grammar, leading zeros included', () => {
    for (const [text, integral] of [
      ['0', true],
      ['-12', true],
      ['007', true],
      ['1.5', false],
      ['-1e-5', false],
      ['2E+10', false],
    ] as const) {
      const r = reader(text);
      r.readNumber();
      expect(r.numberText()).toBe(text);
      expect(r.numberIntegral).toBe(integral);
    }
    const long = reader('1234567890123456');
    long.readNumber();
    expect(long.smallIntegerValue()).toBeUndefined();
  });

  it.each([
    ['1.', 'Decimal point not followed by a digit'],
    ['-', 'expected a digit'],
    ['1e', 'Exponent indicator not followed by a digit'],
    ['.5', 'expected a JSON value'],
    ['+1', 'expected a JSON value'],
    ['[1,]', 'expected a JSON value'],
    ['{"a":1,}', 'a field name in double quotes'],
    ['{"a" 1}', "':' after a field name"],
    ['[1 2]', "',' or ']'"],
    ['"a\u0001"', 'Illegal unquoted character (CTRL-CHAR, code 1)'],
    ['"\\x"', "Unrecognized character escape 'x'"],
    ['"\\u12g4"', 'expected a hex digit'],
    ['"abc', 'Unexpected end-of-input'],
    ['tru', "expected 'true'"],
    ['nullx', "a separator after 'null'"],
    ['NaN', 'expected a JSON value'],
    ['// comment', 'expected a JSON value'],
    ['1x', 'expected a separator after a number'],
  ])('refuses %s', (text, message) => {
    const r = reader(text);
    expect(() => r.skipValue()).toThrow(JsonSyntaxError);
    expect(() => reader(text).skipValue()).toThrow(message);
  });

  it('limits nesting depth and number length like Jackson', () => {
    expect(() => reader('['.repeat(1001) + ']'.repeat(1001)).skipValue()).toThrow('nesting depth');
    expect(() => reader('['.repeat(1000) + ']'.repeat(1000)).skipValue()).not.toThrow();
    expect(() => reader('1'.repeat(1001)).skipValue()).toThrow('Number value length (1001)');
  });
});
