// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const HEX = '0123456789ABCDEF';

/**
 * A JSON string literal exactly as Jackson's UTF-8 generator writes it: `"` and `\` escaped,
 * `\b \t \n \f \r` in short form, other control characters and every UTF-16 surrogate (so
 * characters beyond the BMP, as surrogate pairs) as `\uXXXX` in upper-case hex; everything
 * else, `/`, DEL and U+2028 included, as is.
 */
export function jsonStringText(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  let text = '"';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x20 && code !== 0x22 && code !== 0x5c && (code < 0xd800 || code > 0xdfff)) continue;
    text += value.slice(start, i) + escapeChar(code);
    start = i + 1;
  }
  return `${text}${value.slice(start)}"`;
}

function escapeChar(code: number): string {
  switch (code) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    default:
      return `\\u${HEX[(code >> 12) & 0xf]}${HEX[(code >> 8) & 0xf]}${HEX[(code >> 4) & 0xf]}${HEX[code & 0xf]}`;
  }
}
