import { type ParseArgsConfig, parseArgs } from 'node:util';
import { resolveBootstrapServers } from '@msa-sync/kafka';
import { UsageError } from './cli-errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Kafka tools take `--flag value`; a typo must fail loudly instead of being ignored. */
export function parseFlags<T extends Options>(
  argv: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[\w+\]: /, ''));
  }
}

/** `--property k=v` / `--config k=v` pairs, as the Kafka console tools take them. */
export function parseKeyValues(values: readonly string[] | undefined, flag: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const value of values ?? []) {
    const i = value.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} expects key=value, got '${value}'`);
    pairs.set(value.slice(0, i), value.slice(i + 1));
  }
  return pairs;
}

export function parseIntFlag(value: string | undefined, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

export function bootstrapFrom(values: {
  'bootstrap-server'?: string | undefined;
  'broker-list'?: string | undefined;
}) {
  try {
    return resolveBootstrapServers(values['bootstrap-server'] ?? values['broker-list'] ?? null);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export const bootstrapOptions = {
  'bootstrap-server': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
