import { describe, expect, it } from 'vitest';
import { ConfigException } from '../config/config-types.js';
import {
  compileJavaRegex,
  JavaPatternSyntaxError,
  JavaReplacementError,
  javaRegexValidator,
  UnsupportedJavaRegexError,
} from './java-regex.js';

// Every expectation below is what Java 17's java.util.regex (Pattern.compile, Matcher.matches,
// Matcher.replaceFirst) returned or threw for the same pattern, input and replacement.

type Outcome = { matches: boolean; out: string } | { matches: boolean; error: string };

const cases: { pattern: string; runs: [input: string, replacement: string, expected: Outcome][] }[] = [
  {
    pattern: '(.*)-(.*)',
    runs: [
      ['orders-v1', '$2_$1', { matches: true, out: 'v1_orders' }],
      ['orders', 'x', { matches: false, out: 'orders' }],
    ],
  },
  {
    pattern: 'dbserver1\\.inventory\\.(.*)',
    runs: [
      ['dbserver1.inventory.customers', 'inv_$1', { matches: true, out: 'inv_customers' }],
      ['dbserver1Xinventory.customers', 'x', { matches: false, out: 'dbserver1Xinventory.customers' }],
    ],
  },
  {
    pattern: '(?<db>\\w+)\\.(?<table>\\w+)',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's own ${name} replacement / Connect placeholder syntax
    runs: [['shop.orders', '${table}_from_${db}', { matches: true, out: 'orders_from_shop' }]],
  },
  // replaceFirst searches (find()), it does not reuse the whole-input match: a lazy group matches ""
  { pattern: '(.*?)(\\d*)', runs: [['topic42', '[$1|$2]', { matches: true, out: '[|]topic42' }]] },
  {
    pattern: 'a*',
    runs: [
      ['aaa', 'X', { matches: true, out: 'X' }],
      ['b', 'X', { matches: false, out: 'Xb' }],
    ],
  },
  {
    pattern: '.*',
    runs: [
      ['a\nb', 'X', { matches: false, out: 'X\nb' }],
      ['ab', 'X', { matches: true, out: 'X' }],
    ],
  },
  { pattern: '(?s).*', runs: [['a\nb', 'X', { matches: true, out: 'X' }]] },
  {
    pattern: '(?i)ORDERS_(\\d+)',
    runs: [
      ['orders_12', 'o$1', { matches: true, out: 'o12' }],
      ['Orders_7', 'o$1', { matches: true, out: 'o7' }],
    ],
  },
  {
    pattern: '(?i)[a-c]+',
    runs: [
      ['AbC', 'x', { matches: true, out: 'x' }],
      ['abd', 'x', { matches: false, out: 'xd' }],
    ],
  },
  { pattern: '[^.]+\\.(.+)', runs: [['a.b.c', '$1', { matches: true, out: 'b.c' }]] },
  {
    pattern: '\\Qa.b\\E(.*)',
    runs: [
      ['a.b-c', '$1', { matches: true, out: '-c' }],
      ['axb-c', '$1', { matches: false, out: 'axb-c' }],
    ],
  },
  { pattern: '[]a]+', runs: [[']a]', 'x', { matches: true, out: 'x' }]] },
  // Java's \d, \s, \w are ASCII-only
  {
    pattern: '\\d+',
    runs: [
      ['١٢', 'x', { matches: false, out: '١٢' }],
      ['12', 'x', { matches: true, out: 'x' }],
    ],
  },
  {
    pattern: '\\s',
    runs: [
      ['\u00a0', 'x', { matches: false, out: '\u00a0' }],
      [' ', 'x', { matches: true, out: 'x' }],
    ],
  },
  {
    pattern: '\\w+',
    runs: [
      ['é', 'x', { matches: false, out: 'é' }],
      ['a_1', 'x', { matches: true, out: 'x' }],
    ],
  },
  { pattern: '\\p{L}+', runs: [['é', 'x', { matches: true, out: 'x' }]] },
  {
    pattern: '\\p{Lower}+',
    runs: [
      ['é', 'x', { matches: false, out: 'é' }],
      ['abc', 'x', { matches: true, out: 'x' }],
    ],
  },
  // Java's $ also matches before a final line terminator
  {
    pattern: 'a$',
    runs: [
      ['a\n', '[$0]', { matches: false, out: '[a]\n' }],
      ['a', '[$0]', { matches: true, out: '[a]' }],
    ],
  },
  { pattern: '(?m)^b$', runs: [['a\nb', '[$0]', { matches: false, out: 'a\n[b]' }]] },
  { pattern: '(?x) a b # comment', runs: [['ab', 'x', { matches: true, out: 'x' }]] },
  { pattern: '(a)|(b)', runs: [['b', '[$1][$2]', { matches: true, out: '[][b]' }]] },
  { pattern: '(a)?b', runs: [['b', '[$1]', { matches: true, out: '[]' }]] },
  { pattern: '(?<=a)b', runs: [['ab', 'x', { matches: false, out: 'ax' }]] },
  {
    pattern: 'a{2,3}',
    runs: [
      ['aaa', 'x', { matches: true, out: 'x' }],
      ['a', 'x', { matches: false, out: 'a' }],
    ],
  },
  {
    pattern: '(\\w+)',
    runs: [
      // $10 with one group is $1 followed by 0
      ['abc', '$10', { matches: true, out: 'abc0' }],
      ['abc', '$2', { matches: true, error: 'IndexOutOfBoundsException: No group 2' }],
      ['abc', '\\$1', { matches: true, out: '$1' }],
      [
        'abc',
        '$',
        { matches: true, error: 'IllegalArgumentException: Illegal group reference: group index is missing' },
      ],
      [
        'abc',
        'x\\',
        { matches: true, error: 'IllegalArgumentException: character to be escaped is missing' },
      ],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's own ${name} replacement / Connect placeholder syntax
      ['abc', '${nope}', { matches: true, error: 'IllegalArgumentException: No group with name {nope}' }],
      [
        'abc',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's own ${name} replacement / Connect placeholder syntax
        '${1x}',
        {
          matches: true,
          error: 'IllegalArgumentException: capturing group name {1x} starts with digit character',
        },
      ],
    ],
  },
  // no match, so the bad replacement is never read
  { pattern: 'x', runs: [['abc', '$2', { matches: false, out: 'abc' }]] },
];

describe('compileJavaRegex', () => {
  for (const { pattern, runs } of cases) {
    it(`runs ${JSON.stringify(pattern)} as Java does`, () => {
      const compiled = compileJavaRegex(pattern);
      for (const [input, replacement, expected] of runs) {
        expect(compiled.matches(input)).toBe(expected.matches);
        if ('out' in expected) {
          expect(compiled.replaceFirst(input, replacement)).toBe(expected.out);
        } else {
          let error: Error | undefined;
          try {
            compiled.replaceFirst(input, replacement);
          } catch (e) {
            error = e as Error;
          }
          expect(error).toBeInstanceOf(JavaReplacementError);
          expect(`${error?.name}: ${error?.message}`).toBe(expected.error);
        }
      }
    });
  }

  it('reports group counts and names', () => {
    const compiled = compileJavaRegex('(?<db>a)(b)(?:c)');
    expect(compiled.groupCount).toBe(2);
    expect([...compiled.namedGroups]).toEqual([['db', 1]]);
  });

  const syntaxErrors: [string, string][] = [
    ['(', 'Unclosed group near index 1\n('],
    ['a)', "Unmatched closing ')' near index 0\na)\n^"],
    ['[a', 'Unclosed character class near index 1\n[a\n ^'],
    ['a{2', 'Unclosed counted closure near index 3\na{2'],
    ['*a', "Dangling meta character '*' near index 0\n*a\n^"],
    ['a\\', 'Unexpected internal error near index 2\na\\'],
    ['\\k<x>', 'named capturing group <x> does not exist near index 4\n\\k<x>\n    ^'],
    ['(?<1>a)', 'capturing group name does not start with a Latin letter near index 3\n(?<1>a)\n   ^'],
    ['a{3,2}', 'Illegal repetition range near index 5\na{3,2}\n     ^'],
    [
      '(?<=x(?:a)*)c',
      'Look-behind group does not have an obvious maximum length near index 10\n(?<=x(?:a)*)c\n          ^',
    ],
    ['\\p{Foo}', 'Unknown character property name {Foo} near index 6\n\\p{Foo}\n      ^'],
    ['\\y', 'Illegal/unsupported escape sequence near index 1\n\\y\n ^'],
  ];
  for (const [pattern, message] of syntaxErrors) {
    it(`rejects ${JSON.stringify(pattern)} with Java's PatternSyntaxException message`, () => {
      expect(() => compileJavaRegex(pattern)).toThrow(JavaPatternSyntaxError);
      expect(() => compileJavaRegex(pattern)).toThrow(message);
    });
  }

  const unsupported: [string, RegExp][] = [
    ['a*+', /possessive quantifiers/],
    ['(?>a)', /atomic groups/],
    ['(a)\\1', /back-references/],
    ['\\bword\\b', /word boundaries/],
    ['[a-z&&[^b]]', /class intersections/],
    ['\\p{IsLatin}', /Unicode scripts/],
    ['(?iu)é', /Unicode case folding/],
    // the engines disagree on what these capture
    ['(?:(a)|b)*', /may be skipped in a pass of a repeated group/],
    ['(a?)+', /can match the empty string/],
    ['(?=(a))a', /inside a look-around/],
    // Java computes this look-behind's length with an int overflow and never matches
    ['(?<=a+b+)c', /overflow/],
  ];
  for (const [pattern, reason] of unsupported) {
    it(`refuses ${JSON.stringify(pattern)}, a valid Java regex it cannot run identically`, () => {
      expect(() => compileJavaRegex(pattern)).toThrow(UnsupportedJavaRegexError);
      expect(() => compileJavaRegex(pattern)).toThrow(reason);
    });
  }

  it('reports a Java syntax error before an unsupported construct', () => {
    expect(() => compileJavaRegex('a*+(')).toThrow(JavaPatternSyntaxError);
  });
});

describe('javaRegexValidator', () => {
  const validator = javaRegexValidator();

  it('is described as Apache RegexValidator is', () => {
    expect(validator.description).toBe('valid regex');
  });

  it('accepts a valid regex', () => {
    expect(() => validator.ensureValid('regex', '(.*)-v[0-9]+')).not.toThrow();
  });

  it("reports Java's message", () => {
    expect(() => validator.ensureValid('regex', 'a[')).toThrow(ConfigException);
    expect(() => validator.ensureValid('regex', 'a[')).toThrow(
      'Invalid value a[ for configuration regex: Invalid regex: Unclosed character class near index 1\na[\n ^',
    );
  });

  it('reports an unsupported construct the same way', () => {
    expect(() => validator.ensureValid('regex', 'a++')).toThrow(
      /^Invalid value a\+\+ for configuration regex: Invalid regex: .*possessive quantifiers/,
    );
  });
});
