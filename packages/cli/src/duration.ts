const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as people type it on the command line: `500ms`, `30s`, `2m`, `1h`, `1.5s`, or a
 * bare number of seconds. Returns milliseconds; throws on anything else (the caller turns that
 * into a usage error naming its flag).
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!match) throw new Error(`'${text}' is not a duration (e.g. 500ms, 30s, 2m, or seconds)`);
  const unit = UNITS[(match[2] ?? 's').toLowerCase()] ?? 1000;
  return Math.round(Number(match[1]) * unit);
}
