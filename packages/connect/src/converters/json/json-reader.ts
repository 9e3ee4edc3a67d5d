/**
 * A pull reader over JSON bytes, used to convert JSON straight into Connect values without an
 * intermediate tree, keeping every number's text so that int64 and decimals stay exact. It
 * accepts what Kafka's JsonDeserializer (Jackson) accepts: standard JSON plus leading zeros in
 * numbers, with Jackson's limits on nesting depth and number length.
 */
export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export const MAX_NESTING_DEPTH = 1000;
export const MAX_NUMBER_LENGTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export interface ReaderMark {
  readonly pos: number;
  readonly depth: number;
}

/** What the next value is, by its first byte. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export class JsonReader {
  readonly bytes: Buffer;
  pos: number;
  /** Set by `readNumber`: the token's byte range and whether it has no fraction or exponent. */
  numberStart = 0;
  numberEnd = 0;
  numberIntegral = true;
  #depth = 0;

  constructor(bytes: Buffer, pos = 0) {
    this.bytes = bytes;
    this.pos = pos;
  }

  /** The reader's place, to come back to with `rewind` (after a conversion failed midway, say). */
  mark(): ReaderMark {
    this.peek();
    return { pos: this.pos, depth: this.#depth };
  }

  rewind(mark: ReaderMark): void {
    this.pos = mark.pos;
    this.#depth = mark.depth;
    this.#first = false;
  }

  /** Skips whitespace and returns the next byte, or -1 at the end. */
  peek(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    while (pos < bytes.length) {
      const c = bytes[pos] as number;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        this.pos = pos;
        return c;
      }
      pos++;
    }
    this.pos = pos;
    return -1;
  }

  /** The kind of the next value; a syntax error if none starts here. */
  kind(): JsonKind {
    const c = this.peek();
    switch (c) {
      case OPEN_BRACE:
        return 'object';
      case OPEN_BRACKET:
        return 'array';
      case QUOTE:
        return 'string';
      case 0x74: // t
      case 0x66: // f
        return 'boolean';
      case 0x6e: // n
        return 'null';
      default:
        if (c === MINUS || (c >= ZERO && c <= NINE)) return 'number';
        return this.unexpected('a JSON value');
    }
  }

  /** Consumes `null` if it is next. */
  tryNull(): boolean {
    if (this.peek() !== 0x6e) return false;
    this.#literal('null');
    return true;
  }

  readBoolean(): boolean {
    const c = this.peek();
    if (c === 0x74) {
      this.#literal('true');
      return true;
    }
    if (c === 0x66) {
      this.#literal('false');
      return false;
    }
    return this.unexpected("'true' or 'false'");
  }

  readNull(): void {
    this.#literal('null');
  }

  /** Starts an object: consumes `{`. Follow with `nextKey` until it returns undefined. */
  beginObject(): void {
    this.#expect(OPEN_BRACE);
    this.#enter();
    this.#first = true;
  }

  #first = false;

  /**
   * The next key of the current object (consuming the `:` after it), or `undefined` after
   * consuming the closing `}`.
   */
  nextKey(): string | undefined {
    if (!this.#nextMember(CLOSE_BRACE)) return undefined;
    if (this.peek() !== QUOTE) this.unexpected('a field name in double quotes');
    const key = this.readString();
    if (this.peek() !== COLON) this.unexpected("':' after a field name");
    this.pos++;
    return key;
  }

  /**
   * Like `nextKey`, but first checks whether the key is exactly `"<expected>"` as raw bytes,
   * which avoids decoding it; returns true on such a match, the decoded key otherwise.
   */
  nextKeyMatching(expected: Buffer): true | string | undefined {
    if (!this.#nextMember(CLOSE_BRACE)) return undefined;
    const bytes = this.bytes;
    const pos = this.pos;
    const length = expected.length;
    if (bytes[pos] === QUOTE && bytes[pos + length + 1] === QUOTE) {
      let i = 0;
      while (i < length && bytes[pos + 1 + i] === expected[i]) i++;
      if (i === length) {
        this.pos = pos + length + 2;
        if (this.peek() !== COLON) this.unexpected("':' after a field name");
        this.pos++;
        return true;
      }
    }
    if (this.peek() !== QUOTE) this.unexpected('a field name in double quotes');
    const key = this.readString();
    if (this.peek() !== COLON) this.unexpected("':' after a field name");
    this.pos++;
    return key;
  }

  beginArray(): void {
    this.#expect(OPEN_BRACKET);
    this.#enter();
    this.#first = true;
  }

  /** Whether another array element follows (consuming the `,`), false after consuming `]`. */
  nextElement(): boolean {
    return this.#nextMember(CLOSE_BRACKET);
  }

  #nextMember(close: number): boolean {
    const c = this.peek();
    if (this.#first) {
      this.#first = false;
      if (c === close) {
        this.pos++;
        this.#depth--;
        return false;
      }
      return true;
    }
    if (c === COMMA) {
      this.pos++;
      return true;
    }
    if (c === close) {
      this.pos++;
      this.#depth--;
      return false;
    }
    return this.unexpected(close === CLOSE_BRACE ? "',' or '}'" : "',' or ']'");
  }

  /** Reads a string value (the next value must be one). */
  readString(): string {
    if (this.peek() !== QUOTE) this.unexpected('a string');
    const bytes = this.bytes;
    const start = this.pos + 1;
    let pos = start;
    let ascii = true;
    while (pos < bytes.length) {
      const c = bytes[pos] as number;
      if (c === QUOTE) {
        this.pos = pos + 1;
        return bytes.toString(ascii ? 'latin1' : 'utf8', start, pos);
      }
      if (c === BACKSLASH) return this.#readEscapedString(start, pos);
      if (c < 0x20) this.#controlCharacter(pos);
      if (c >= 0x80) ascii = false;
      pos++;
    }
    return this.#fail('Unexpected end-of-input in a string value');
  }

  #readEscapedString(start: number, firstEscape: number): string {
    const bytes = this.bytes;
    let text = bytes.toString('utf8', start, firstEscape);
    let pos = firstEscape;
    let segment = pos;
    while (pos < bytes.length) {
      const c = bytes[pos] as number;
      if (c === QUOTE) {
        this.pos = pos + 1;
        return text + bytes.toString('utf8', segment, pos);
      }
      if (c === BACKSLASH) {
        text += bytes.toString('utf8', segment, pos);
        const escaped = bytes[pos + 1];
        switch (escaped) {
          case QUOTE:
          case BACKSLASH:
          case 0x2f: // /
            text += String.fromCharCode(escaped);
            break;
          case 0x62: // b
            text += '\b';
            break;
          case 0x66: // f
            text += '\f';
            break;
          case 0x6e: // n
            text += '\n';
            break;
          case 0x72: // r
            text += '\r';
            break;
          case 0x74: // t
            text += '\t';
            break;
          case 0x75: {
            // u
            let code = 0;
            for (let i = 2; i < 6; i++) {
              const digit = hexValue(bytes[pos + i]);
              if (digit < 0) {
                this.pos = pos + i;
                this.#fail('Unexpected character in a \\u escape: expected a hex digit');
              }
              code = code * 16 + digit;
            }
            text += String.fromCharCode(code);
            pos += 4;
            break;
          }
          default:
            this.pos = pos + 1;
            if (escaped === undefined) this.#fail('Unexpected end-of-input in a string value');
            this.#fail(`Unrecognized character escape '${String.fromCharCode(escaped)}'`);
        }
        pos += 2;
        segment = pos;
        continue;
      }
      if (c < 0x20) this.#controlCharacter(pos);
      pos++;
    }
    return this.#fail('Unexpected end-of-input in a string value');
  }

  /** Skips a string value (the next value must be one). */
  skipString(): void {
    if (this.peek() !== QUOTE) this.unexpected('a string');
    const bytes = this.bytes;
    let pos = this.pos + 1;
    while (pos < bytes.length) {
      const c = bytes[pos] as number;
      if (c === QUOTE) {
        this.pos = pos + 1;
        return;
      }
      if (c === BACKSLASH) {
        // Escapes are rare: decode the string to check them.
        this.readString();
        return;
      }
      if (c < 0x20) this.#controlCharacter(pos);
      pos++;
    }
    this.#fail('Unexpected end-of-input in a string value');
  }

  /**
   * Reads a number token (`numberStart`, `numberEnd`, `numberIntegral`). Jackson's grammar with
   * leading zeros allowed: `-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
   */
  readNumber(): void {
    this.peek();
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    if (bytes[pos] === MINUS) pos++;
    let digitsStart = pos;
    while (isDigit(bytes[pos])) pos++;
    if (pos === digitsStart) this.#numberFail(pos, 'expected a digit for a number value');
    let integral = true;
    if (bytes[pos] === DOT) {
      pos++;
      digitsStart = pos;
      while (isDigit(bytes[pos])) pos++;
      if (pos === digitsStart) this.#numberFail(pos, 'Decimal point not followed by a digit');
      integral = false;
    }
    const e = bytes[pos];
    if (e === 0x65 || e === 0x45) {
      pos++;
      if (bytes[pos] === 0x2b || bytes[pos] === MINUS) pos++;
      digitsStart = pos;
      while (isDigit(bytes[pos])) pos++;
      if (pos === digitsStart) this.#numberFail(pos, 'Exponent indicator not followed by a digit');
      integral = false;
    }
    if (pos - start > MAX_NUMBER_LENGTH) {
      this.#fail(`Number value length (${pos - start}) exceeds the maximum allowed (${MAX_NUMBER_LENGTH})`);
    }
    const next = bytes[pos];
    if (next !== undefined && (isDigit(next) || isLetter(next) || next === DOT)) {
      this.#numberFail(pos, 'expected a separator after a number');
    }
    this.pos = pos;
    this.numberStart = start;
    this.numberEnd = pos;
    this.numberIntegral = integral;
  }

  /** The text of the last number read. */
  numberText(): string {
    return this.bytes.toString('latin1', this.numberStart, this.numberEnd);
  }

  /**
   * The value of the last number read when it is an integer of at most 15 digits (so exact as a
   * double), otherwise undefined; computed without building its text.
   */
  smallIntegerValue(): number | undefined {
    if (!this.numberIntegral) return undefined;
    const bytes = this.bytes;
    let pos = this.numberStart;
    const negative = bytes[pos] === MINUS;
    if (negative) pos++;
    if (this.numberEnd - pos > 15) return undefined;
    let value = 0;
    for (; pos < this.numberEnd; pos++) value = value * 10 + ((bytes[pos] as number) - ZERO);
    return negative ? -value : value;
  }

  /** Skips one complete value of any kind, checking its syntax. */
  skipValue(): void {
    switch (this.kind()) {
      case 'object':
        this.beginObject();
        while (this.nextKey() !== undefined) this.skipValue();
        return;
      case 'array':
        this.beginArray();
        while (this.nextElement()) this.skipValue();
        return;
      case 'string':
        this.skipString();
        return;
      case 'number':
        this.readNumber();
        return;
      case 'boolean':
        this.readBoolean();
        return;
      case 'null':
        this.readNull();
        return;
    }
  }

  /** Fails with the position and a description of what was expected instead of the next byte. */
  unexpected(expected: string): never {
    const c = this.bytes[this.pos];
    if (c === undefined) return this.#fail(`Unexpected end-of-input: expected ${expected}`);
    return this.#fail(`Unexpected character (${describeByte(c)}): expected ${expected}`);
  }

  #enter(): void {
    if (++this.#depth > MAX_NESTING_DEPTH) {
      this.#fail(
        `Document nesting depth (${this.#depth}) exceeds the maximum allowed (${MAX_NESTING_DEPTH})`,
      );
    }
  }

  #expect(c: number): void {
    if (this.peek() !== c) this.unexpected(`'${String.fromCharCode(c)}'`);
    this.pos++;
  }

  #literal(word: string): void {
    const bytes = this.bytes;
    const pos = this.pos;
    for (let i = 0; i < word.length; i++) {
      if (bytes[pos + i] !== word.charCodeAt(i)) {
        this.pos = pos + i;
        this.unexpected(`'${word}'`);
      }
    }
    const next = bytes[pos + word.length];
    if (next !== undefined && (isLetter(next) || isDigit(next))) {
      this.pos = pos + word.length;
      this.unexpected(`a separator after '${word}'`);
    }
    this.pos = pos + word.length;
  }

  #controlCharacter(pos: number): never {
    this.pos = pos;
    return this.#fail(
      `Illegal unquoted character (CTRL-CHAR, code ${this.bytes[pos]}): has to be escaped using backslash to be included in string value`,
    );
  }

  #numberFail(pos: number, message: string): never {
    this.pos = pos;
    return this.unexpected(message);
  }

  #fail(message: string): never {
    throw new JsonSyntaxError(`${message} at byte offset ${this.pos}`);
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= ZERO && c <= NINE) return c - ZERO;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

function describeByte(c: number): string {
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}' (code ${c})`;
  return `code ${c}`;
}
