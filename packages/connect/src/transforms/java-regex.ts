import { ConfigException } from '../config/config-types.js';
import type { Validator } from '../config/validators.js';

/**
 * Java regular expressions (`java.util.regex.Pattern`, as JDK 17 parses them) run on JavaScript's
 * engine. Connector configs carry Java regexes (`RegexRouter.regex`, `TopicNameMatches.pattern`),
 * so a pattern must be read with Java's rules, not JavaScript's: the parser below follows
 * `Pattern`'s grammar step by step (so an invalid pattern fails with Java's
 * `PatternSyntaxException` message, index and caret line), builds a small syntax tree, and writes
 * an equivalent JavaScript `RegExp` (flag `v`). `matches()` and `Matcher.replaceFirst()` (with
 * Java's `$n` / `${name}` / `\x` replacement syntax) are provided on top.
 *
 * Supported (with Java's meaning, whatever JavaScript would make of the same text):
 * - literals, `\t \n \r \f \a \e`, `\0ooo`, `\xhh`, `\x{h..h}`, `\uhhhh` (surrogate pairs too),
 *   `\cX`, `\` before any non-letter, `\Q...\E` quoting (Java's own pre-processing);
 * - `.` (Java's line terminators: `\n \r \u0085 \u2028 \u2029`), `^ $ \A \z \Z \G`, `\R`;
 * - classes: `[...]`, `[^...]`, ranges, a `]` first in a class as a literal, nested classes
 *   (union), `\d \D \s \S \w \W \h \H \v \V` with Java's ASCII definitions, `\p{..}` / `\P{..}`
 *   for Unicode general categories (`L`, `Lu`, `IsL`, `gc=Lu`...) and the POSIX/ASCII classes
 *   (`Lower`, `Alpha`, `Punct`...);
 * - groups: capturing, named `(?<name>..)`, non-capturing, look-ahead, look-behind (with Java's
 *   "obvious maximum length" rule), inline flags `(?idmsx-idmsx)` and `(?idmsx-idmsx:...)`:
 *   case-insensitive is ASCII-only, as in Java without `u`;
 * - greedy and lazy quantifiers `? * + {n} {n,} {n,m}`.
 *
 * Refused (an {@link UnsupportedJavaRegexError}, a config error, rather than a different
 * match): possessive quantifiers, atomic groups `(?>..)`, back-references `\1` `\k<n>`, word and
 * grapheme boundaries `\b \B \b{g}` (their Unicode rules changed across JDK versions), `\X`,
 * `\N{..}`, class intersections `&&`, Unicode scripts, blocks and binary / `java*` properties,
 * Unicode case folding (`u` with `i`), `U` (UNICODE_CHARACTER_CLASS) with the classes it changes,
 * `c` (CANON_EQ); and the constructs where the two engines' backtracking leaves different groups
 * or matches: a capturing group that may not take part in every pass of a repeated group, a
 * capturing group inside a look-around, a repetition (more than once) of something that can
 * match the empty string, `\R` inside a repeated group, and a look-behind whose maximum length
 * Java computes with an int overflow. Invalid patterns are reported with Java's own message
 * first, so a pattern that is both invalid and unsupported reads as Java would report it.
 */

/** Java's `PatternSyntaxException`: `message` is what its `getMessage()` returns. */
export class JavaPatternSyntaxError extends Error {
  readonly description: string;
  readonly index: number;
  readonly pattern: string;

  constructor(description: string, pattern: string, index: number) {
    super(patternSyntaxMessage(description, pattern, index));
    this.name = 'PatternSyntaxException';
    this.description = description;
    this.index = index;
    this.pattern = pattern;
  }
}

/** A valid Java regex using a construct this worker does not translate. */
export class UnsupportedJavaRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedJavaRegexError';
  }
}

/** The Java exceptions `Matcher.replaceFirst` throws for a bad replacement string. */
export class JavaReplacementError extends Error {
  constructor(javaClass: 'IllegalArgumentException' | 'IndexOutOfBoundsException', message: string) {
    super(message);
    this.name = javaClass;
  }
}

function patternSyntaxMessage(description: string, pattern: string, index: number): string {
  let text = description;
  if (index >= 0) text += ` near index ${index}`;
  text += `\n${pattern}`;
  if (index >= 0 && index < pattern.length) {
    let pad = '';
    for (let i = 0; i < index; i++) pad += pattern[i] === '\t' ? '\t' : ' ';
    text += `\n${pad}^`;
  }
  return text;
}

/** A compiled Java regex. */
export interface JavaPattern {
  /** The pattern as written. */
  readonly pattern: string;
  /** Number of capturing groups (`Matcher.groupCount()`). */
  readonly groupCount: number;
  /** `Pattern.namedGroups()`: name → group number. */
  readonly namedGroups: ReadonlyMap<string, number>;
  /** The JavaScript source the pattern was translated to (without the anchors `matches` adds). */
  readonly jsSource: string;
  /** `pattern.matcher(input).matches()`: the whole input matches. */
  matches(input: string): boolean;
  /**
   * `pattern.matcher(input).replaceFirst(replacement)`: the first match (searched from the start,
   * as `find()` does) replaced with the Java replacement string. Throws a
   * {@link JavaReplacementError} for a bad replacement, when a match is found.
   */
  replaceFirst(input: string, replacement: string): string;
}

/** Compiles `pattern` with Java's rules; throws {@link JavaPatternSyntaxError} or {@link UnsupportedJavaRegexError}. */
export function compileJavaRegex(pattern: string): JavaPattern {
  const parser = new Parser(pattern);
  const tree = parser.parse();
  if (parser.unsupported !== undefined) throw new UnsupportedJavaRegexError(parser.unsupported);
  const problem = checkTranslatable(tree);
  if (problem !== undefined) throw new UnsupportedJavaRegexError(problem);
  const jsSource = emit(tree);
  const whole = new RegExp(`^(?:${jsSource})$`, 'v');
  const search = new RegExp(jsSource, 'v');
  const groupCount = parser.capturingGroupCount - 1;
  const namedGroups = parser.namedGroups;
  return {
    pattern,
    groupCount,
    namedGroups,
    jsSource,
    matches: (input) => whole.test(input),
    replaceFirst: (input, replacement) => {
      const match = search.exec(input);
      if (match === null) return input;
      const expanded = expandReplacement(replacement, match, groupCount, namedGroups);
      return input.slice(0, match.index) + expanded + input.slice(match.index + match[0].length);
    },
  };
}

/**
 * Validator for a config key holding a Java regex (Connect's `RegexValidator`): the message reads
 * `Invalid regex: <Java's PatternSyntaxException message>`; constructs this worker cannot run are
 * reported the same way, with the reason.
 */
export function javaRegexValidator(): Validator {
  return {
    description: 'valid regex',
    ensureValid(name, value) {
      try {
        compileJavaRegex(String(value));
      } catch (error) {
        throw ConfigException.invalid(name, value, `Invalid regex: ${(error as Error).message}`);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Replacement strings (Matcher.appendExpandedReplacement)

function expandReplacement(
  replacement: string,
  match: RegExpExecArray,
  groupCount: number,
  namedGroups: ReadonlyMap<string, number>,
): string {
  let out = '';
  let cursor = 0;
  while (cursor < replacement.length) {
    let next = replacement.charAt(cursor);
    if (next === '\\') {
      cursor++;
      if (cursor === replacement.length) {
        throw new JavaReplacementError('IllegalArgumentException', 'character to be escaped is missing');
      }
      out += replacement.charAt(cursor);
      cursor++;
    } else if (next === '$') {
      cursor++;
      if (cursor === replacement.length) {
        throw new JavaReplacementError(
          'IllegalArgumentException',
          'Illegal group reference: group index is missing',
        );
      }
      next = replacement.charAt(cursor);
      let refNum: number;
      if (next === '{') {
        cursor++;
        const begin = cursor;
        while (cursor < replacement.length) {
          next = replacement.charAt(cursor);
          if (isAsciiAlnum(next.charCodeAt(0))) cursor++;
          else break;
        }
        if (begin === cursor) {
          throw new JavaReplacementError(
            'IllegalArgumentException',
            'named capturing group has 0 length name',
          );
        }
        if (next !== '}') {
          throw new JavaReplacementError(
            'IllegalArgumentException',
            "named capturing group is missing trailing '}'",
          );
        }
        const name = replacement.slice(begin, cursor);
        if (isAsciiDigit(name.charCodeAt(0))) {
          throw new JavaReplacementError(
            'IllegalArgumentException',
            `capturing group name {${name}} starts with digit character`,
          );
        }
        const number = namedGroups.get(name);
        if (number === undefined) {
          throw new JavaReplacementError('IllegalArgumentException', `No group with name {${name}}`);
        }
        refNum = number;
        cursor++;
      } else {
        refNum = next.charCodeAt(0) - 48;
        if (refNum < 0 || refNum > 9) {
          throw new JavaReplacementError('IllegalArgumentException', 'Illegal group reference');
        }
        cursor++;
        while (cursor < replacement.length) {
          const digit = replacement.charCodeAt(cursor) - 48;
          if (digit < 0 || digit > 9) break;
          const candidate = refNum * 10 + digit;
          if (groupCount < candidate) break;
          refNum = candidate;
          cursor++;
        }
      }
      if (refNum > groupCount) {
        throw new JavaReplacementError('IndexOutOfBoundsException', `No group ${refNum}`);
      }
      const group = match[refNum];
      if (group !== undefined) out += group;
    } else {
      out += next;
      cursor++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

/** A set of code points, as a JavaScript (flag `v`) class is written. */
type CharSet =
  | { readonly k: 'cp'; readonly cp: number }
  | { readonly k: 'range'; readonly lo: number; readonly hi: number }
  /** A class operand already in `v`-flag syntax: `[0-9]`, `\p{Lu}`. */
  | { readonly k: 'raw'; readonly src: string }
  | { readonly k: 'union'; readonly items: readonly CharSet[] }
  | { readonly k: 'not'; readonly set: CharSet };

type GroupKind = 'capture' | 'plain' | 'ahead' | 'notAhead' | 'behind' | 'notBehind';

/** How Java itself represents a repetition; its look-behind length rules depend on it. */
type RepeatShape = 'ques' | 'charGreedy' | 'curly' | 'groupCurly' | 'loop';

type Node =
  | { readonly t: 'empty' }
  | { readonly t: 'set'; readonly set: CharSet }
  | { readonly t: 'slice'; readonly cps: readonly number[]; readonly ci: boolean }
  | { readonly t: 'seq'; readonly items: readonly Node[] }
  | { readonly t: 'alt'; readonly branches: readonly Node[] }
  | { readonly t: 'anchor'; readonly src: string; readonly lineEnding?: boolean }
  | { readonly t: 'group'; readonly kind: GroupKind; readonly body: Node }
  | {
      readonly t: 'repeat';
      readonly body: Node;
      readonly min: number;
      readonly max: number;
      readonly lazy: boolean;
      readonly shape: RepeatShape;
    };

const EMPTY: Node = { t: 'empty' };

// Pattern flag bits, as java.util.regex.Pattern numbers them.
const UNIX_LINES = 0x01;
const CASE_INSENSITIVE = 0x02;
const COMMENTS = 0x04;
const MULTILINE = 0x08;
const DOTALL = 0x20;
const UNICODE_CASE = 0x40;
const CANON_EQ = 0x80;
const UNICODE_CHARACTER_CLASS = 0x100;

const MAX_REPS = 0x7fffffff;

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAsciiUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isAsciiLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isAsciiAlpha(c: number): boolean {
  return isAsciiUpper(c) || isAsciiLower(c);
}
function isAsciiAlnum(c: number): boolean {
  return isAsciiAlpha(c) || isAsciiDigit(c);
}
function isAsciiHexDigit(c: number): boolean {
  return isAsciiDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
function hexValue(c: number): number {
  return isAsciiDigit(c) ? c - 48 : (c | 0x20) - 87;
}
/** Java's `ASCII.isSpace`: space, tab, line feed, vertical tab, form feed, carriage return. */
function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function asciiSwapCase(c: number): number {
  return isAsciiUpper(c) ? c + 32 : isAsciiLower(c) ? c - 32 : c;
}

// Java's predefined classes, with Java's (ASCII) definitions.
const ASCII_DIGIT: CharSet = { k: 'raw', src: '[0-9]' };
const ASCII_WORD: CharSet = { k: 'raw', src: '[a-zA-Z_0-9]' };
const ASCII_SPACE: CharSet = { k: 'raw', src: '[\\t\\n\\u{B}\\f\\r\\u{20}]' };
const HORIZ_WS: CharSet = {
  k: 'raw',
  src: '[\\t\\u{20}\\u{A0}\\u{1680}\\u{180E}\\u{2000}-\\u{200A}\\u{202F}\\u{205F}\\u{3000}]',
};
const VERT_WS: CharSet = { k: 'raw', src: '[\\n\\u{B}\\f\\r\\u{85}\\u{2028}\\u{2029}]' };
const DOT: CharSet = { k: 'raw', src: '[^\\n\\r\\u{85}\\u{2028}\\u{2029}]' };
const UNIX_DOT: CharSet = { k: 'raw', src: '[^\\n]' };
const ALL: CharSet = { k: 'raw', src: '[\\u{0}-\\u{10FFFF}]' };

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  ASCII: '[\\u{0}-\\u{7F}]',
  Alnum: '[a-zA-Z0-9]',
  Alpha: '[a-zA-Z]',
  Blank: '[\\u{20}\\t]',
  Cntrl: '[\\u{0}-\\u{1F}\\u{7F}]',
  Digit: '[0-9]',
  Graph: '[\\u{21}-\\u{7E}]',
  Lower: '[a-z]',
  Print: '[\\u{20}-\\u{7E}]',
  Punct: '[\\u{21}-\\u{2F}\\u{3A}-\\u{40}\\u{5B}-\\u{60}\\u{7B}-\\u{7E}]',
  Space: '[\\t\\n\\u{B}\\f\\r\\u{20}]',
  Upper: '[A-Z]',
  XDigit: '[0-9a-fA-F]',
  L1: '[\\u{0}-\\u{FF}]',
  all: '[\\u{0}-\\u{10FFFF}]',
};

/** Java's general-category names (`CharPredicates.forProperty`) in `v`-flag syntax. */
const CATEGORY_CLASSES: Readonly<Record<string, string>> = Object.fromEntries([
  ...[
    'Cn',
    'Lu',
    'Ll',
    'Lt',
    'Lm',
    'Lo',
    'Mn',
    'Me',
    'Mc',
    'Nd',
    'Nl',
    'No',
    'Zs',
    'Zl',
    'Zp',
    'Cc',
    'Cf',
    'Co',
    'Cs',
    'Pd',
    'Ps',
    'Pe',
    'Pc',
    'Po',
    'Sm',
    'Sc',
    'Sk',
    'So',
    'Pi',
    'Pf',
    'L',
    'M',
    'N',
    'Z',
    'C',
    'P',
    'S',
    'LC',
  ].map((name) => [name, `\\p{gc=${name}}`]),
  ['LD', '[\\p{gc=L}\\p{gc=Nd}]'],
]);

/** Names `\p{IsX}` resolves to a Unicode binary property or a POSIX class before the categories. */
const IS_PROPERTY_NAMES = new Set([
  'ALPHABETIC',
  'ASSIGNED',
  'CONTROL',
  'EMOJI',
  'EMOJI_PRESENTATION',
  'EMOJI_MODIFIER',
  'EMOJI_MODIFIER_BASE',
  'EMOJI_COMPONENT',
  'EXTENDED_PICTOGRAPHIC',
  'HEXDIGIT',
  'HEX_DIGIT',
  'IDEOGRAPHIC',
  'JOINCONTROL',
  'JOIN_CONTROL',
  'LETTER',
  'LOWERCASE',
  'NONCHARACTERCODEPOINT',
  'NONCHARACTER_CODE_POINT',
  'TITLECASE',
  'PUNCTUATION',
  'UPPERCASE',
  'WHITESPACE',
  'WHITE_SPACE',
  'WORD',
  'ALNUM',
  'BLANK',
  'GRAPH',
  'PRINT',
  'ALPHA',
  'LOWER',
  'UPPER',
  'SPACE',
  'PUNCT',
  'XDIGIT',
  'CNTRL',
  'DIGIT',
]);

// ---------------------------------------------------------------------------------------------
// Parser: a transcription of Pattern's recursive descent (compile, expr, sequence, atom, escape,
// clazz, range, family, group0, closure), building the tree above instead of matcher nodes.

class Parser {
  readonly #pattern: string;
  #temp: number[];
  #patternLength: number;
  #cursor = 0;
  #flags0 = 0;
  capturingGroupCount = 1;
  readonly namedGroups = new Map<string, number>();
  /** The first construct met that this worker cannot translate. */
  unsupported: string | undefined;
  /** Second return value of `escape` for class escapes (Java's `predicate` field). */
  #predicate: CharSet | undefined;
  /** Second return value of `escape` for node escapes (Java's `root` field). */
  #root: Node | undefined;

  constructor(pattern: string) {
    this.#pattern = pattern;
    const cps = Array.from(pattern, (c) => c.codePointAt(0) as number);
    this.#patternLength = cps.length;
    this.#temp = [...cps, 0, 0];
    this.#removeQEQuoting();
  }

  parse(): Node {
    const tree = this.#expr();
    if (this.#patternLength !== this.#cursor) {
      if (this.#peek() === 0x29) throw this.#error("Unmatched closing ')'");
      throw this.#error('Unexpected internal error');
    }
    return tree;
  }

  #unsupported(what: string): void {
    this.unsupported ??= `not supported by this worker, which runs Java regexes on JavaScript's engine: ${what}`;
  }

  #has(flag: number): boolean {
    return (this.#flags0 & flag) !== 0;
  }

  #error(description: string): JavaPatternSyntaxError {
    return new JavaPatternSyntaxError(description, this.#pattern, this.#cursor - 1);
  }

  #at(i: number): number {
    return this.#temp[i] ?? 0;
  }

  // --- cursor primitives (Pattern.peek/read/next/skip...) ---

  #accept(ch: number, message: string): void {
    let test = this.#at(this.#cursor++);
    if (this.#has(COMMENTS)) test = this.#parsePastWhitespace(test);
    if (ch !== test) throw this.#error(message);
  }

  #peek(): number {
    let ch = this.#at(this.#cursor);
    if (this.#has(COMMENTS)) ch = this.#peekPastWhitespace(ch);
    return ch;
  }

  #read(): number {
    let ch = this.#at(this.#cursor++);
    if (this.#has(COMMENTS)) ch = this.#parsePastWhitespace(ch);
    return ch;
  }

  #next(): number {
    let ch = this.#at(++this.#cursor);
    if (this.#has(COMMENTS)) ch = this.#peekPastWhitespace(ch);
    return ch;
  }

  #nextEscaped(): number {
    return this.#at(++this.#cursor);
  }

  #peekPastWhitespace(start: number): number {
    let ch = start;
    while (isAsciiSpace(ch) || ch === 0x23) {
      while (isAsciiSpace(ch)) ch = this.#at(++this.#cursor);
      if (ch === 0x23) ch = this.#peekPastLine();
    }
    return ch;
  }

  #parsePastWhitespace(start: number): number {
    let ch = start;
    while (isAsciiSpace(ch) || ch === 0x23) {
      while (isAsciiSpace(ch)) ch = this.#at(this.#cursor++);
      if (ch === 0x23) ch = this.#parsePastLine();
    }
    return ch;
  }

  #parsePastLine(): number {
    let ch = this.#at(this.#cursor++);
    while (ch !== 0 && !this.#isLineSeparator(ch)) ch = this.#at(this.#cursor++);
    if (ch === 0 && this.#cursor > this.#patternLength) {
      this.#cursor = this.#patternLength;
      ch = this.#at(this.#cursor++);
    }
    return ch;
  }

  #peekPastLine(): number {
    let ch = this.#at(++this.#cursor);
    while (ch !== 0 && !this.#isLineSeparator(ch)) ch = this.#at(++this.#cursor);
    if (ch === 0 && this.#cursor > this.#patternLength) {
      this.#cursor = this.#patternLength;
      ch = this.#at(this.#cursor);
    }
    return ch;
  }

  #isLineSeparator(ch: number): boolean {
    if (this.#has(UNIX_LINES)) return ch === 0x0a;
    return ch === 0x0a || ch === 0x0d || (ch | 1) === 0x2029 || ch === 0x85;
  }

  #skip(): number {
    const ch = this.#at(this.#cursor + 1);
    this.#cursor += 2;
    return ch;
  }

  #unread(): void {
    this.#cursor--;
  }

  // --- \Q...\E (Pattern.RemoveQEQuoting) ---

  #removeQEQuoting(): void {
    const temp = this.#temp;
    const pLen = this.#patternLength;
    let i = 0;
    while (i < pLen - 1) {
      if (temp[i] !== 0x5c) i += 1;
      else if (temp[i + 1] !== 0x51) i += 2;
      else break;
    }
    if (i >= pLen - 1) return;
    const out = temp.slice(0, i);
    i += 2;
    let inQuote = true;
    let beginQuote = true;
    while (i < pLen) {
      const c = temp[i++] as number;
      if (c >= 0x80 || isAsciiAlpha(c)) {
        out.push(c);
      } else if (isAsciiDigit(c)) {
        if (beginQuote) out.push(0x5c, 0x78, 0x33);
        out.push(c);
      } else if (c !== 0x5c) {
        if (inQuote) out.push(0x5c);
        out.push(c);
      } else if (inQuote) {
        if (temp[i] === 0x45) {
          i++;
          inQuote = false;
        } else {
          out.push(0x5c, 0x5c);
        }
      } else if (temp[i] === 0x51) {
        i++;
        inQuote = true;
        beginQuote = true;
        continue;
      } else {
        out.push(c);
        if (i !== pLen) out.push(temp[i++] as number);
      }
      beginQuote = false;
    }
    this.#patternLength = out.length;
    this.#temp = [...out, 0, 0];
  }

  // --- expressions ---

  #expr(): Node {
    const branches: Node[] = [];
    for (;;) {
      branches.push(this.#sequence());
      if (this.#peek() !== 0x7c) break;
      this.#next();
    }
    return branches.length === 1 ? (branches[0] as Node) : { t: 'alt', branches };
  }

  #sequence(): Node {
    const items: Node[] = [];
    for (;;) {
      let ch = this.#peek();
      let node: Node;
      switch (ch) {
        case 0x28: {
          // '(' — a group handles its own quantifier
          const group = this.#group0();
          if (group !== null) items.push(group);
          continue;
        }
        case 0x5b:
          // '['
          this.#canonEqCheck();
          node = { t: 'set', set: this.#clazz(true) };
          break;
        case 0x5c: {
          // '\'
          ch = this.#nextEscaped();
          if (ch === 0x70 || ch === 0x50) {
            let oneLetter = true;
            const complement = ch === 0x50;
            ch = this.#next();
            if (ch !== 0x7b) this.#unread();
            else oneLetter = false;
            this.#canonEqCheck();
            node = { t: 'set', set: this.#family(oneLetter, complement) };
          } else {
            this.#unread();
            node = this.#atom();
          }
          break;
        }
        case 0x5e:
          // '^'
          this.#next();
          node = this.#caret();
          break;
        case 0x24:
          // '$'
          this.#next();
          node = this.#dollar(this.#has(MULTILINE));
          break;
        case 0x2e:
          // '.'
          this.#next();
          node = {
            t: 'set',
            set: this.#has(DOTALL) ? ALL : this.#has(UNIX_LINES) ? UNIX_DOT : DOT,
          };
          break;
        case 0x7c:
        case 0x29:
          return seqOf(items);
        case 0x5d:
        case 0x7d:
          node = this.#atom();
          break;
        case 0x3f:
        case 0x2a:
        case 0x2b:
          this.#next();
          throw this.#error(`Dangling meta character '${String.fromCharCode(ch)}'`);
        case 0:
          if (this.#cursor >= this.#patternLength) return seqOf(items);
          node = this.#atom();
          break;
        default:
          node = this.#atom();
          break;
      }
      items.push(this.#closure(node, false));
    }
  }

  #canonEqCheck(): void {
    if (this.#has(CANON_EQ)) this.#unsupported('the CANON_EQ flag (?c)');
  }

  #caret(): Node {
    if (!this.#has(MULTILINE)) return { t: 'anchor', src: '^' };
    if (this.#has(UNIX_LINES)) return { t: 'anchor', src: '(?:^|(?<=\\n))(?!$)' };
    return {
      t: 'anchor',
      src: '(?:^|(?<=[\\n\\u{85}\\u{2028}\\u{2029}])|(?<=\\r)(?!\\n))(?!$)',
    };
  }

  #dollar(multiline: boolean): Node {
    if (this.#has(UNIX_LINES)) return { t: 'anchor', src: multiline ? '(?=\\n|$)' : '(?=\\n?$)' };
    if (multiline) return { t: 'anchor', src: '(?:$|(?<!\\r)(?=\\n)|(?=[\\r\\u{85}\\u{2028}\\u{2029}]))' };
    return {
      t: 'anchor',
      src: '(?:$|(?=\\r\\n$)|(?<!\\r)(?=\\n$)|(?=[\\r\\u{85}\\u{2028}\\u{2029}]$))',
    };
  }

  #atom(): Node {
    let first = 0;
    let prev = -1;
    const buffer: number[] = [];
    let ch = this.#peek();
    loop: for (;;) {
      switch (ch) {
        case 0x2a:
        case 0x2b:
        case 0x3f:
        case 0x7b:
          if (first > 1) {
            this.#cursor = prev;
            first--;
            buffer.length = first;
          }
          break loop;
        case 0x24:
        case 0x2e:
        case 0x5e:
        case 0x28:
        case 0x5b:
        case 0x7c:
        case 0x29:
          break loop;
        case 0x5c: {
          ch = this.#nextEscaped();
          if (ch === 0x70 || ch === 0x50) {
            if (first > 0) {
              this.#unread();
              break loop;
            }
            const complement = ch === 0x50;
            let oneLetter = true;
            ch = this.#next();
            if (ch !== 0x7b) this.#unread();
            else oneLetter = false;
            this.#canonEqCheck();
            return { t: 'set', set: this.#family(oneLetter, complement) };
          }
          this.#unread();
          prev = this.#cursor;
          this.#root = undefined;
          ch = this.#escape(false, first === 0, false);
          if (ch >= 0) {
            buffer[first] = ch;
            first++;
            ch = this.#peek();
            continue;
          }
          if (first === 0) return this.#root ?? EMPTY;
          this.#cursor = prev;
          break loop;
        }
        case 0:
          if (this.#cursor >= this.#patternLength) break loop;
          prev = this.#cursor;
          buffer[first] = ch;
          first++;
          ch = this.#next();
          continue;
        default:
          prev = this.#cursor;
          buffer[first] = ch;
          first++;
          ch = this.#next();
          continue;
      }
    }
    if (first === 1) return { t: 'set', set: this.#single(buffer[0] as number) };
    return this.#slice(buffer.slice(0, first));
  }

  #slice(cps: number[]): Node {
    if (cps.length === 0) return EMPTY;
    const ci = this.#has(CASE_INSENSITIVE);
    if (ci && this.#has(UNICODE_CASE)) this.#unsupported('Unicode case folding (the u flag)');
    this.#canonEqCheck();
    return { t: 'slice', cps, ci };
  }

  /** Pattern.escape: a code point (>= 0), or -1 with the class in #predicate / node in #root. */
  #escape(inclass: boolean, create: boolean, isrange: boolean): number {
    const ch = this.#skip();
    switch (ch) {
      case 0x30:
        return this.#octal();
      case 0x31:
      case 0x32:
      case 0x33:
      case 0x34:
      case 0x35:
      case 0x36:
      case 0x37:
      case 0x38:
      case 0x39:
        if (inclass) break;
        if (create) this.#backReference(ch - 48);
        return -1;
      case 0x41: // A
        if (inclass) break;
        if (create) this.#root = { t: 'anchor', src: '^' };
        return -1;
      case 0x42: // B
        if (inclass) break;
        if (create) {
          this.#unsupported('word boundaries (\\b, \\B)');
          this.#root = EMPTY;
        }
        return -1;
      case 0x44: // D
        if (create) this.#classEscape(inclass, { k: 'not', set: this.#unicodeClass(ASCII_DIGIT) });
        return -1;
      case 0x47: // G
        if (inclass) break;
        if (create) this.#root = { t: 'anchor', src: '^' };
        return -1;
      case 0x48: // H
        if (create) this.#classEscape(inclass, { k: 'not', set: HORIZ_WS });
        return -1;
      case 0x4e: // N
        return this.#namedCharacter();
      case 0x52: // R
        if (inclass) break;
        if (create) {
          this.#root = {
            t: 'anchor',
            src: '(?:\\r\\n|[\\n\\u{B}\\f\\r\\u{85}\\u{2028}\\u{2029}])',
            lineEnding: true,
          };
        }
        return -1;
      case 0x53: // S
        if (create) this.#classEscape(inclass, { k: 'not', set: this.#unicodeClass(ASCII_SPACE) });
        return -1;
      case 0x56: // V
        if (create) this.#classEscape(inclass, { k: 'not', set: VERT_WS });
        return -1;
      case 0x57: // W
        if (create) this.#classEscape(inclass, { k: 'not', set: this.#unicodeClass(ASCII_WORD) });
        return -1;
      case 0x58: // X
        if (inclass) break;
        if (create) {
          this.#unsupported('grapheme clusters (\\X)');
          this.#root = EMPTY;
        }
        return -1;
      case 0x5a: // Z
        if (inclass) break;
        if (create) this.#root = this.#dollar(false);
        return -1;
      case 0x61: // a
        return 0x07;
      case 0x62: // b
        if (inclass) break;
        if (create) {
          if (this.#peek() === 0x7b) {
            if (this.#skip() === 0x67) {
              if (this.#read() === 0x7d) {
                this.#unsupported('grapheme boundaries (\\b{g})');
                this.#root = EMPTY;
                return -1;
              }
              break;
            }
            this.#unread();
            this.#unread();
          }
          this.#unsupported('word boundaries (\\b, \\B)');
          this.#root = EMPTY;
        }
        return -1;
      case 0x63: // c
        return this.#control();
      case 0x64: // d
        if (create) this.#classEscape(inclass, this.#unicodeClass(ASCII_DIGIT));
        return -1;
      case 0x65: // e
        return 0x1b;
      case 0x66: // f
        return 0x0c;
      case 0x68: // h
        if (create) this.#classEscape(inclass, HORIZ_WS);
        return -1;
      case 0x6b: {
        // k
        if (inclass) break;
        if (this.#read() !== 0x3c) throw this.#error("\\k is not followed by '<' for named capturing group");
        const name = this.#groupName(this.#read());
        if (!this.namedGroups.has(name)) throw this.#error(`named capturing group <${name}> does not exist`);
        if (create) {
          this.#unsupported('back-references (\\1, \\k<name>)');
          this.#root = EMPTY;
        }
        return -1;
      }
      case 0x6e: // n
        return 0x0a;
      case 0x72: // r
        return 0x0d;
      case 0x73: // s
        if (create) this.#classEscape(inclass, this.#unicodeClass(ASCII_SPACE));
        return -1;
      case 0x74: // t
        return 0x09;
      case 0x75: // u
        return this.#unicodeEscape();
      case 0x76: // v
        if (isrange) return 0x0b;
        if (create) this.#classEscape(inclass, VERT_WS);
        return -1;
      case 0x77: // w
        if (create) this.#classEscape(inclass, this.#unicodeClass(ASCII_WORD));
        return -1;
      case 0x78: // x
        return this.#hexEscape();
      case 0x7a: // z
        if (inclass) break;
        if (create) this.#root = { t: 'anchor', src: '$' };
        return -1;
      default:
        if (isAsciiAlpha(ch)) break;
        return ch;
    }
    throw this.#error('Illegal/unsupported escape sequence');
  }

  #unicodeClass(set: CharSet): CharSet {
    if (this.#has(UNICODE_CHARACTER_CLASS)) this.#unsupported('the UNICODE_CHARACTER_CLASS flag (?U)');
    return set;
  }

  #classEscape(inclass: boolean, set: CharSet): void {
    this.#predicate = set;
    if (!inclass) this.#root = { t: 'set', set };
  }

  /** Pattern.ref: consumes further digits while they name an existing group. */
  #backReference(first: number): void {
    let refNum = first;
    for (;;) {
      const ch = this.#peek();
      if (!isAsciiDigit(ch)) break;
      const candidate = refNum * 10 + (ch - 48);
      if (this.capturingGroupCount - 1 < candidate) break;
      refNum = candidate;
      this.#read();
    }
    this.#unsupported('back-references (\\1, \\k<name>)');
    this.#root = EMPTY;
  }

  #control(): number {
    if (this.#cursor < this.#patternLength) return this.#read() ^ 64;
    throw this.#error('Illegal control escape sequence');
  }

  #octal(): number {
    const isOctal = (c: number): boolean => c >= 48 && c <= 55;
    const n = this.#read();
    if (isOctal(n)) {
      const m = this.#read();
      if (isOctal(m)) {
        const o = this.#read();
        if (isOctal(o) && n >= 48 && n <= 51) return (n - 48) * 64 + (m - 48) * 8 + (o - 48);
        this.#unread();
        return (n - 48) * 8 + (m - 48);
      }
      this.#unread();
      return n - 48;
    }
    throw this.#error('Illegal octal escape sequence');
  }

  #hexEscape(): number {
    let n = this.#read();
    if (isAsciiHexDigit(n)) {
      const m = this.#read();
      if (isAsciiHexDigit(m)) return hexValue(n) * 16 + hexValue(m);
    } else if (n === 0x7b && isAsciiHexDigit(this.#peek())) {
      let ch = 0;
      for (;;) {
        n = this.#read();
        if (!isAsciiHexDigit(n)) break;
        ch = ch * 16 + hexValue(n);
        if (ch > 0x10ffff) throw this.#error('Hexadecimal codepoint is too big');
      }
      if (n !== 0x7d) throw this.#error('Unclosed hexadecimal escape sequence');
      return ch;
    }
    throw this.#error('Illegal hexadecimal escape sequence');
  }

  #uxxxx(): number {
    let n = 0;
    for (let i = 0; i < 4; i++) {
      const ch = this.#read();
      if (!isAsciiHexDigit(ch)) throw this.#error('Illegal Unicode escape sequence');
      n = n * 16 + hexValue(ch);
    }
    return n;
  }

  #unicodeEscape(): number {
    const n = this.#uxxxx();
    if (n >= 0xd800 && n <= 0xdbff) {
      const cur = this.#cursor;
      if (this.#read() === 0x5c && this.#read() === 0x75) {
        const n2 = this.#uxxxx();
        if (n2 >= 0xdc00 && n2 <= 0xdfff) return (n - 0xd800) * 0x400 + (n2 - 0xdc00) + 0x10000;
      }
      this.#cursor = cur;
    }
    return n;
  }

  #namedCharacter(): number {
    if (this.#read() === 0x7b) {
      while (this.#read() !== 0x7d) {
        if (this.#cursor >= this.#patternLength) throw this.#error('Unclosed character name escape sequence');
      }
      this.#unsupported('named characters (\\N{...})');
      return 0x3f;
    }
    throw this.#error('Illegal character name escape sequence');
  }

  // --- character classes ---

  /** Pattern.clazz: a [...] class (consumes the closing ']' when `consume`). */
  #clazz(consume: boolean): CharSet {
    const items: CharSet[] = [];
    let anything = false;
    let negated = false;
    let ch = this.#next();
    if (ch === 0x5e && this.#at(this.#cursor - 1) === 0x5b) {
      ch = this.#next();
      negated = true;
    }
    for (;;) {
      switch (ch) {
        case 0x5b:
          items.push(this.#clazz(true));
          anything = true;
          ch = this.#peek();
          continue;
        case 0x26:
          ch = this.#next();
          if (ch === 0x26) {
            this.#unsupported('class intersections (&&)');
            // Parse the right-hand side as Java does, for its syntax errors.
            ch = this.#next();
            let right = false;
            while (ch !== 0x5d && ch !== 0x26) {
              if (ch === 0x5b) this.#clazz(true);
              else {
                this.#unread();
                this.#clazz(false);
              }
              right = true;
              ch = this.#peek();
            }
            if (!anything && !right) throw this.#error('Bad class syntax');
            anything = true;
            continue;
          }
          this.#unread();
          break;
        case 0:
          if (this.#cursor >= this.#patternLength) throw this.#error('Unclosed character class');
          break;
        case 0x5d:
          if (anything) {
            if (consume) this.#next();
            const set: CharSet = items.length === 1 ? (items[0] as CharSet) : { k: 'union', items };
            return negated ? { k: 'not', set } : set;
          }
          break;
        default:
          break;
      }
      items.push(this.#range());
      anything = true;
      ch = this.#peek();
    }
  }

  /** Pattern.range: one character, range, escape or property inside a class. */
  #range(): CharSet {
    let ch = this.#peek();
    if (ch === 0x5c) {
      ch = this.#nextEscaped();
      if (ch === 0x70 || ch === 0x50) {
        const complement = ch === 0x50;
        let oneLetter = true;
        ch = this.#next();
        if (ch !== 0x7b) this.#unread();
        else oneLetter = false;
        return this.#family(oneLetter, complement);
      }
      const isrange = this.#at(this.#cursor + 1) === 0x2d;
      this.#unread();
      this.#predicate = undefined;
      ch = this.#escape(true, true, isrange);
      if (ch === -1) return this.#predicate ?? { k: 'union', items: [] };
    } else {
      this.#next();
    }
    if (ch >= 0) {
      if (this.#peek() === 0x2d) {
        const endRange = this.#at(this.#cursor + 1);
        if (endRange === 0x5b) return this.#single(ch);
        if (endRange !== 0x5d) {
          this.#next();
          let m = this.#peek();
          if (m === 0x5c) m = this.#escape(true, false, true);
          else this.#next();
          if (m < ch) throw this.#error('Illegal character range');
          return this.#classRange(ch, m);
        }
      }
      return this.#single(ch);
    }
    throw this.#error(`Unexpected character '${String.fromCharCode(ch)}'`);
  }

  /** A single code point with the case-insensitivity in force (Pattern.single / BitClass.add). */
  #single(ch: number): CharSet {
    if (this.#has(CASE_INSENSITIVE)) {
      if (this.#has(UNICODE_CASE)) this.#unsupported('Unicode case folding (the u flag)');
      else if (isAsciiAlpha(ch)) {
        return {
          k: 'union',
          items: [
            { k: 'cp', cp: ch },
            { k: 'cp', cp: asciiSwapCase(ch) },
          ],
        };
      }
    }
    this.#canonEqCheck();
    return { k: 'cp', cp: ch };
  }

  /** Range / CIRange: with ASCII case-insensitivity the letters' other cases join the range. */
  #classRange(lo: number, hi: number): CharSet {
    const range: CharSet = { k: 'range', lo, hi };
    if (!this.#has(CASE_INSENSITIVE)) return range;
    if (this.#has(UNICODE_CASE)) {
      this.#unsupported('Unicode case folding (the u flag)');
      return range;
    }
    const items: CharSet[] = [range];
    const upperLo = Math.max(lo, 65);
    const upperHi = Math.min(hi, 90);
    if (upperLo <= upperHi) items.push({ k: 'range', lo: upperLo + 32, hi: upperHi + 32 });
    const lowerLo = Math.max(lo, 97);
    const lowerHi = Math.min(hi, 122);
    if (lowerLo <= lowerHi) items.push({ k: 'range', lo: lowerLo - 32, hi: lowerHi - 32 });
    return { k: 'union', items };
  }

  /** Pattern.family: `\p{..}` / `\P{..}`. */
  #family(singleLetter: boolean, complement: boolean): CharSet {
    this.#next();
    let name: string;
    if (singleLetter) {
      name = String.fromCodePoint(this.#at(this.#cursor));
      this.#read();
    } else {
      const i = this.#cursor;
      this.#temp[this.#patternLength] = 0x7d;
      while (this.#read() !== 0x7d) {
        // scan to the closing brace
      }
      this.#temp[this.#patternLength] = 0;
      const j = this.#cursor;
      if (j > this.#patternLength) throw this.#error('Unclosed character family');
      if (i + 1 >= j) throw this.#error('Empty character family');
      name = String.fromCodePoint(...this.#temp.slice(i, j - 1));
    }
    const caseIns = this.#has(CASE_INSENSITIVE);
    let set: CharSet | null | undefined;
    const eq = name.indexOf('=');
    if (eq !== -1) {
      const value = name.slice(eq + 1);
      const key = name.slice(0, eq).toLowerCase();
      switch (key) {
        case 'sc':
        case 'script':
        case 'blk':
        case 'block':
          set = this.#scriptOrBlock(key, value);
          break;
        case 'gc':
        case 'general_category':
          set = this.#property(value, caseIns);
          break;
        default:
          break;
      }
      if (set === undefined) throw this.#error(`Unknown Unicode property {name=<${key}>, value=<${value}>}`);
    } else {
      if (name.startsWith('In')) {
        set = this.#scriptOrBlock('block', name.slice(2));
      } else if (name.startsWith('Is')) {
        const short = name.slice(2);
        if (IS_PROPERTY_NAMES.has(short.toUpperCase())) {
          this.#unsupported(`the Unicode property \\p{${name}}`);
          set = null;
        } else {
          set = this.#property(short, caseIns) ?? this.#scriptOrBlock('script', short);
        }
      } else {
        if (this.#has(UNICODE_CHARACTER_CLASS)) this.#unsupported('the UNICODE_CHARACTER_CLASS flag (?U)');
        set = this.#property(name, caseIns);
      }
      if (set === undefined) throw this.#error(`Unknown character property name {${name}}`);
    }
    const result: CharSet = set ?? { k: 'union', items: [] };
    return complement ? { k: 'not', set: result } : result;
  }

  /** CharPredicates.forProperty; `null` = known to Java but not translated; `undefined` = unknown. */
  #property(name: string, caseIns: boolean): CharSet | null | undefined {
    if (caseIns && (name === 'Lu' || name === 'Ll' || name === 'Lt')) return { k: 'raw', src: '\\p{gc=LC}' };
    if (caseIns && (name === 'Lower' || name === 'Upper')) return { k: 'raw', src: '[a-zA-Z]' };
    const category = CATEGORY_CLASSES[name];
    if (category !== undefined) return { k: 'raw', src: category };
    const posix = POSIX_CLASSES[name];
    if (posix !== undefined) return { k: 'raw', src: posix };
    if (JAVA_CHARACTER_PROPERTIES.has(name)) {
      this.#unsupported(`the java.lang.Character property \\p{${name}}`);
      return null;
    }
    return undefined;
  }

  /** Scripts and blocks: valid names are accepted by Java, but not translated here. */
  #scriptOrBlock(kind: string, value: string): CharSet | null | undefined {
    if (value === '') return undefined;
    this.#unsupported(`Unicode ${kind.startsWith('b') ? 'blocks' : 'scripts'} (\\p{${kind}=${value}})`);
    return null;
  }

  #groupName(first: number): string {
    let ch = first;
    if (!isAsciiAlpha(ch)) throw this.#error('capturing group name does not start with a Latin letter');
    let name = '';
    do {
      name += String.fromCharCode(ch);
      ch = this.#read();
    } while (isAsciiAlnum(ch));
    if (ch !== 0x3e) throw this.#error("named capturing group is missing trailing '>'");
    return name;
  }

  // --- groups and quantifiers ---

  /** Pattern.group0: a group with its quantifier, or null for a flags-only `(?i)`. */
  #group0(): Node | null {
    const save = this.#flags0;
    let kind: GroupKind;
    let body: Node;
    let ch = this.#next();
    if (ch === 0x3f) {
      ch = this.#skip();
      switch (ch) {
        case 0x3a: // (?:
          kind = 'plain';
          body = this.#expr();
          break;
        case 0x3d: // (?=
        case 0x21: // (?!
          kind = ch === 0x3d ? 'ahead' : 'notAhead';
          body = this.#expr();
          break;
        case 0x3e: // (?>
          this.#unsupported('atomic groups (?>...)');
          kind = 'plain';
          body = this.#expr();
          break;
        case 0x3c: {
          // (?<
          ch = this.#read();
          if (ch !== 0x3d && ch !== 0x21) {
            const name = this.#groupName(ch);
            if (this.namedGroups.has(name))
              throw this.#error(`Named capturing group <${name}> is already defined`);
            kind = 'capture';
            this.namedGroups.set(name, this.capturingGroupCount);
            this.capturingGroupCount++;
            body = this.#expr();
            break;
          }
          kind = ch === 0x3d ? 'behind' : 'notBehind';
          body = this.#expr();
          const info = study(body);
          if (!info.maxValid) throw this.#error('Look-behind group does not have an obvious maximum length');
          const trueMax = trueMaxLength(body);
          if (info.maxLength < Math.min(trueMax, 2 ** 30)) {
            this.#unsupported('look-behinds whose maximum length Java computes with an overflow');
          }
          break;
        }
        case 0x24:
        case 0x40:
          throw this.#error('Unknown group type');
        default: {
          this.#unread();
          this.#addFlag();
          ch = this.#read();
          if (ch === 0x29) return null;
          if (ch !== 0x3a) throw this.#error('Unknown inline modifier');
          kind = 'plain';
          body = this.#expr();
          break;
        }
      }
    } else {
      kind = 'capture';
      this.capturingGroupCount++;
      body = this.#expr();
    }
    this.#accept(0x29, 'Unclosed group');
    this.#flags0 = save;
    const group: Node = { t: 'group', kind, body };
    return this.#closure(group, true);
  }

  #addFlag(): void {
    let ch = this.#peek();
    for (;;) {
      switch (ch) {
        case 0x69:
          this.#flags0 |= CASE_INSENSITIVE;
          break;
        case 0x6d:
          this.#flags0 |= MULTILINE;
          break;
        case 0x73:
          this.#flags0 |= DOTALL;
          break;
        case 0x64:
          this.#flags0 |= UNIX_LINES;
          break;
        case 0x75:
          this.#flags0 |= UNICODE_CASE;
          break;
        case 0x63:
          this.#flags0 |= CANON_EQ;
          break;
        case 0x78:
          this.#flags0 |= COMMENTS;
          break;
        case 0x55:
          this.#flags0 |= UNICODE_CHARACTER_CLASS | UNICODE_CASE;
          break;
        case 0x2d:
          ch = this.#next();
          this.#subFlag();
          return;
        default:
          return;
      }
      ch = this.#next();
    }
  }

  #subFlag(): void {
    let ch = this.#peek();
    for (;;) {
      switch (ch) {
        case 0x69:
          this.#flags0 &= ~CASE_INSENSITIVE;
          break;
        case 0x6d:
          this.#flags0 &= ~MULTILINE;
          break;
        case 0x73:
          this.#flags0 &= ~DOTALL;
          break;
        case 0x64:
          this.#flags0 &= ~UNIX_LINES;
          break;
        case 0x75:
          this.#flags0 &= ~UNICODE_CASE;
          break;
        case 0x63:
          this.#flags0 &= ~CANON_EQ;
          break;
        case 0x78:
          this.#flags0 &= ~COMMENTS;
          break;
        case 0x55:
          this.#flags0 &= ~(UNICODE_CHARACTER_CLASS | UNICODE_CASE);
          break;
        default:
          return;
      }
      ch = this.#next();
    }
  }

  /** Pattern.qtype: after a quantifier, `?` makes it lazy and `+` possessive. */
  #qtype(): 'greedy' | 'lazy' {
    const ch = this.#next();
    if (ch === 0x3f) {
      this.#next();
      return 'lazy';
    }
    if (ch === 0x2b) {
      this.#next();
      this.#unsupported('possessive quantifiers');
    }
    return 'greedy';
  }

  /** Pattern.closure: the quantifier after an atom, if any. */
  #closure(prev: Node, isGroup: boolean): Node {
    let ch = this.#peek();
    const isCharProperty = prev.t === 'set';
    const repeat = (min: number, max: number, counted: boolean): Node => {
      const type = this.#qtype();
      let shape: RepeatShape;
      if (min === 0 && max === 1) shape = 'ques';
      else if (!counted && type === 'greedy' && isCharProperty) shape = 'charGreedy';
      else if (isGroup && type === 'greedy' && prev.t === 'group' && isPlainGroup(prev)) {
        shape = study(prev).deterministic ? 'groupCurly' : 'loop';
      } else if (isGroup && type === 'lazy' && prev.t === 'group' && isPlainGroup(prev)) {
        shape = study(prev).deterministic ? 'groupCurly' : 'loop';
      } else shape = 'curly';
      return { t: 'repeat', body: prev, min, max, lazy: type === 'lazy', shape };
    };
    switch (ch) {
      case 0x3f:
        return repeat(0, 1, false);
      case 0x2a:
        return repeat(0, MAX_REPS, false);
      case 0x2b:
        return repeat(1, MAX_REPS, false);
      case 0x7b: {
        ch = this.#skip();
        if (!isAsciiDigit(ch)) throw this.#error('Illegal repetition');
        let cmin = 0;
        let cmax: number;
        do {
          cmin = cmin * 10 + (ch - 48);
          if (cmin > MAX_REPS) throw this.#error('Illegal repetition range');
          ch = this.#read();
        } while (isAsciiDigit(ch));
        if (ch === 0x2c) {
          ch = this.#read();
          if (ch === 0x7d) {
            this.#unread();
            return repeat(cmin, MAX_REPS, false);
          }
          cmax = 0;
          while (isAsciiDigit(ch)) {
            cmax = cmax * 10 + (ch - 48);
            if (cmax > MAX_REPS) throw this.#error('Illegal repetition range');
            ch = this.#read();
          }
        } else {
          cmax = cmin;
        }
        if (ch !== 0x7d) throw this.#error('Unclosed counted closure');
        if (cmax < cmin) throw this.#error('Illegal repetition range');
        this.#unread();
        return repeat(cmin, cmax, true);
      }
      default:
        return prev;
    }
  }
}

const JAVA_CHARACTER_PROPERTIES = new Set([
  'javaLowerCase',
  'javaUpperCase',
  'javaAlphabetic',
  'javaIdeographic',
  'javaTitleCase',
  'javaDigit',
  'javaDefined',
  'javaLetter',
  'javaLetterOrDigit',
  'javaJavaIdentifierStart',
  'javaJavaIdentifierPart',
  'javaUnicodeIdentifierStart',
  'javaUnicodeIdentifierPart',
  'javaIdentifierIgnorable',
  'javaSpaceChar',
  'javaWhitespace',
  'javaISOControl',
  'javaMirrored',
]);

/** Group kinds Java repeats through GroupCurly / Loop (capturing and non-capturing groups). */
function isPlainGroup(node: Node & { t: 'group' }): boolean {
  return node.kind === 'capture' || node.kind === 'plain';
}

function seqOf(items: Node[]): Node {
  if (items.length === 0) return EMPTY;
  return items.length === 1 ? (items[0] as Node) : { t: 'seq', items };
}

// ---------------------------------------------------------------------------------------------
// Java's TreeInfo study (lengths with 32-bit overflow, as Java computes them)

interface TreeInfo {
  minLength: number;
  maxLength: number;
  maxValid: boolean;
  deterministic: boolean;
}

function study(node: Node): TreeInfo {
  const info: TreeInfo = { minLength: 0, maxLength: 0, maxValid: true, deterministic: true };
  studyInto(node, info);
  return info;
}

function studyInto(node: Node, info: TreeInfo): void {
  switch (node.t) {
    case 'empty':
      return;
    case 'set':
      info.minLength = (info.minLength + 1) | 0;
      info.maxLength = (info.maxLength + 1) | 0;
      return;
    case 'slice':
      info.minLength = (info.minLength + node.cps.length) | 0;
      info.maxLength = (info.maxLength + node.cps.length) | 0;
      return;
    case 'seq':
      for (const item of node.items) studyInto(item, info);
      return;
    case 'alt': {
      const minL = info.minLength;
      const maxL = info.maxLength;
      let maxV = info.maxValid;
      let minL2 = MAX_REPS;
      let maxL2 = -1;
      for (const branch of node.branches) {
        const sub = study(branch);
        minL2 = Math.min(minL2, sub.minLength);
        maxL2 = Math.max(maxL2, sub.maxLength);
        maxV = maxV && sub.maxValid;
      }
      info.minLength = (minL + minL2) | 0;
      info.maxLength = (maxL + maxL2) | 0;
      info.maxValid = maxV;
      info.deterministic = false;
      return;
    }
    case 'anchor':
      if (node.lineEnding) {
        info.minLength = (info.minLength + 1) | 0;
        info.maxLength = (info.maxLength + 2) | 0;
      }
      return;
    case 'group':
      if (node.kind === 'capture' || node.kind === 'plain') studyInto(node.body, info);
      return;
    case 'repeat':
      studyRepeat(node, info);
      return;
  }
}

function studyRepeat(node: Node & { t: 'repeat' }, info: TreeInfo): void {
  switch (node.shape) {
    case 'ques': {
      const minL = info.minLength;
      studyInto(node.body, info);
      info.minLength = minL;
      info.deterministic = false;
      return;
    }
    case 'charGreedy':
      info.minLength = (info.minLength + node.min) | 0;
      if (info.maxValid) info.maxLength = (info.maxLength + MAX_REPS) | 0;
      info.deterministic = false;
      return;
    case 'loop':
      info.maxValid = false;
      info.deterministic = false;
      return;
    default: {
      const minL = info.minLength;
      const maxL = info.maxLength;
      const maxV = info.maxValid;
      const detm = info.deterministic;
      const sub = study(node.body);
      let temp = (Math.imul(sub.minLength, node.min) + minL) | 0;
      if (temp < minL) temp = 0xfffffff;
      info.minLength = temp;
      if (maxV && sub.maxValid) {
        temp = (Math.imul(sub.maxLength, node.max) + maxL) | 0;
        info.maxLength = temp;
        info.maxValid = temp >= maxL;
      } else {
        info.maxValid = false;
      }
      info.deterministic = sub.deterministic && node.min === node.max ? detm : false;
      return;
    }
  }
}

/** The real longest match length (Infinity when unbounded), in code points. */
function trueMaxLength(node: Node): number {
  switch (node.t) {
    case 'empty':
    case 'anchor':
      return node.t === 'anchor' && node.lineEnding ? 2 : 0;
    case 'set':
      return 1;
    case 'slice':
      return node.cps.length;
    case 'seq':
      return node.items.reduce((sum, item) => sum + trueMaxLength(item), 0);
    case 'alt':
      return Math.max(...node.branches.map(trueMaxLength));
    case 'group':
      return node.kind === 'capture' || node.kind === 'plain' ? trueMaxLength(node.body) : 0;
    case 'repeat': {
      const body = trueMaxLength(node.body);
      if (body === 0) return 0;
      return node.max === MAX_REPS ? Number.POSITIVE_INFINITY : body * node.max;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Checks for the places where Java's and JavaScript's backtracking would leave different groups

function nullable(node: Node): boolean {
  switch (node.t) {
    case 'empty':
    case 'anchor':
      return !(node.t === 'anchor' && node.lineEnding);
    case 'set':
    case 'slice':
      return false;
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.branches.some(nullable);
    case 'group':
      return node.kind === 'capture' || node.kind === 'plain' ? nullable(node.body) : true;
    case 'repeat':
      return node.min === 0 || nullable(node.body);
  }
}

interface Context {
  /** Inside the body of a repetition that may run more than once. */
  readonly repeated: boolean;
  /** Inside such a body, under something that may be skipped in one of its passes. */
  readonly optional: boolean;
  readonly lookaround: boolean;
}

function checkTranslatable(tree: Node): string | undefined {
  const prefix =
    "not supported by this worker, which runs Java regexes on JavaScript's engine (the two would capture differently)";
  const walk = (node: Node, ctx: Context): string | undefined => {
    switch (node.t) {
      case 'seq':
        for (const item of node.items) {
          const problem = walk(item, ctx);
          if (problem) return problem;
        }
        return undefined;
      case 'alt': {
        const inner = { ...ctx, optional: ctx.optional || ctx.repeated };
        for (const branch of node.branches) {
          const problem = walk(branch, inner);
          if (problem) return problem;
        }
        return undefined;
      }
      case 'group': {
        if (node.kind === 'capture') {
          if (ctx.lookaround) return `${prefix}: a capturing group inside a look-around`;
          if (ctx.repeated && ctx.optional) {
            return `${prefix}: a capturing group that may be skipped in a pass of a repeated group`;
          }
        }
        const lookaround = node.kind !== 'capture' && node.kind !== 'plain';
        return walk(node.body, lookaround ? { ...ctx, lookaround: true } : ctx);
      }
      case 'anchor':
        // Java matches a repeated group's passes without backtracking into a trailing \R.
        if (node.lineEnding && ctx.repeated) return `${prefix}: \\R inside a repeated group`;
        return undefined;
      case 'repeat': {
        if (node.body.t === 'anchor' && node.body.lineEnding) return undefined;
        const optional = ctx.optional || (ctx.repeated && node.min === 0);
        if (node.max > 1) {
          if (nullable(node.body))
            return `${prefix}: a repetition of something that can match the empty string`;
          return walk(node.body, { repeated: true, optional, lookaround: ctx.lookaround });
        }
        return walk(node.body, { ...ctx, optional });
      }
      default:
        return undefined;
    }
  };
  return walk(tree, { repeated: false, optional: false, lookaround: false });
}

// ---------------------------------------------------------------------------------------------
// JavaScript source (flag v)

function cpText(cp: number): string {
  if (isAsciiAlnum(cp)) return String.fromCharCode(cp);
  return `\\u{${cp.toString(16).toUpperCase()}}`;
}

/** A `v`-flag class operand for the set. */
function setOperand(set: CharSet): string {
  switch (set.k) {
    case 'cp':
      return cpText(set.cp);
    case 'range':
      return `[${cpText(set.lo)}-${cpText(set.hi)}]`;
    case 'raw':
      return set.src;
    case 'union':
      return `[${set.items.map(setOperand).join('')}]`;
    case 'not':
      return `[^${setOperand(set.set)}]`;
  }
}

/** The set as a standalone atom. */
function setAtom(set: CharSet): string {
  if (set.k === 'cp') return cpText(set.cp);
  const operand = setOperand(set);
  return operand.startsWith('[') || operand.startsWith('\\p') ? operand : `[${operand}]`;
}

function emit(node: Node): string {
  switch (node.t) {
    case 'empty':
      return '';
    case 'set':
      return setAtom(node.set);
    case 'slice':
      return node.cps
        .map((cp) =>
          node.ci && isAsciiAlpha(cp) ? `[${cpText(cp)}${cpText(asciiSwapCase(cp))}]` : cpText(cp),
        )
        .join('');
    case 'seq':
      return node.items.map(emitInSequence).join('');
    case 'alt':
      return node.branches.map(emit).join('|');
    case 'anchor':
      return node.src;
    case 'group': {
      const open = {
        capture: '(',
        plain: '(?:',
        ahead: '(?=',
        notAhead: '(?!',
        behind: '(?<=',
        notBehind: '(?<!',
      }[node.kind];
      return `${open}${emit(node.body)})`;
    }
    case 'repeat': {
      const quantifier =
        node.min === 0 && node.max === 1
          ? '?'
          : node.max === MAX_REPS
            ? node.min === 0
              ? '*'
              : node.min === 1
                ? '+'
                : `{${node.min},}`
            : node.min === node.max
              ? `{${node.min}}`
              : `{${node.min},${node.max}}`;
      // Java repeats a lone \R without backtracking into it (\r\n is never taken as \r, \n).
      const body =
        node.body.t === 'anchor' && node.body.lineEnding
          ? '(?:\\r\\n|(?!\\r\\n)[\\n\\u{B}\\f\\r\\u{85}\\u{2028}\\u{2029}])'
          : quantifiable(node.body);
      return `${body}${quantifier}${node.lazy ? '?' : ''}`;
    }
  }
}

/** An alternation inside a sequence needs a group around it. */
function emitInSequence(node: Node): string {
  return node.t === 'alt' ? `(?:${emit(node)})` : emit(node);
}

/** The node as something a quantifier can follow. */
function quantifiable(node: Node): string {
  if (node.t === 'set') return setAtom(node.set);
  if (node.t === 'group' && (node.kind === 'capture' || node.kind === 'plain')) return emit(node);
  if (node.t === 'slice' && node.cps.length === 1) return emit(node);
  return `(?:${emit(node)})`;
}
