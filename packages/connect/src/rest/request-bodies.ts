import { invalidConfigMessage, NAME_CONFIG, nonEmptyStringWithoutControlChars } from '../config/index.js';
import type { ConnectorConfig, ConnectorOffset, ConnectorOffsets } from '../entities.js';
import { badRequest } from './rest-errors.js';

/**
 * Reading request bodies the way Connect's Jackson mapping does: JSON numbers and booleans given for
 * a config value become strings (`"tasks.max": 1` works), anything else that is not a string is a 400.
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarToString(key: string, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest(
    `Config value for '${key}' must be a string, but was ${Array.isArray(value) ? 'an array' : 'an object'}`,
  );
}

/** The 400 Connect answers with once validation sees a null config value. */
function nullValueError() {
  return badRequest(invalidConfigMessage(['Null value can not be supplied as the configuration value.']));
}

/** A full connector config (`PUT .../config`, `config` of `POST /connectors`, validate). */
export function readConfigMap(body: unknown, what = 'Request body'): ConnectorConfig {
  if (!isObject(body)) throw badRequest(`${what} must be a JSON object of string config values`);
  const config: ConnectorConfig = {};
  for (const [key, raw] of Object.entries(body)) {
    const value = scalarToString(key, raw);
    if (value === null) throw nullValueError();
    config[key] = value;
  }
  return config;
}

/** A `PATCH .../config` body: null removes a key. */
export function readConfigPatch(body: unknown): Record<string, string | null> {
  if (!isObject(body)) throw badRequest('Request body must be a JSON object of config values');
  const patch: Record<string, string | null> = {};
  for (const [key, raw] of Object.entries(body)) patch[key] = scalarToString(key, raw);
  return patch;
}

/** The validation Connect runs on a connector name, answered in its 400 wording. */
export function checkConnectorName(name: string): void {
  try {
    nonEmptyStringWithoutControlChars().ensureValid(NAME_CONFIG, name);
  } catch (error) {
    throw badRequest(invalidConfigMessage([(error as Error).message]));
  }
}

/**
 * Connect's `checkAndPutConnectorConfigName`: a `name` in the config must equal the connector's
 * name; a missing one is filled in.
 */
export function checkAndPutConnectorName(name: string, config: ConnectorConfig): void {
  const included = config[NAME_CONFIG];
  if (included === undefined) {
    config[NAME_CONFIG] = name;
  } else if (included !== name) {
    throw badRequest(
      `Connector name configuration (${included}) doesn't match connector name in the URL (${name})`,
    );
  }
}

export type InitialState = 'RUNNING' | 'PAUSED' | 'STOPPED';

export interface CreateConnectorRequest {
  name: string;
  config: ConnectorConfig;
  initialState: InitialState | undefined;
}

/** `POST /connectors`: `{name, config, initial_state?}`; the name is trimmed as Connect does. */
export function readCreateConnectorRequest(body: unknown): CreateConnectorRequest {
  if (!isObject(body)) throw badRequest('Request body must be a JSON object with "name" and "config"');
  const rawName = body.name === undefined || body.name === null ? '' : scalarToString('name', body.name);
  if (body.config === undefined || body.config === null) {
    throw badRequest('Connector config is missing: the request body needs a "config" object');
  }
  const config = readConfigMap(body.config, '"config"');
  let initialState: InitialState | undefined;
  if (body.initial_state !== undefined && body.initial_state !== null) {
    const state = String(body.initial_state).toUpperCase();
    if (state !== 'RUNNING' && state !== 'PAUSED' && state !== 'STOPPED') {
      throw badRequest(
        `Invalid initial_state '${String(body.initial_state)}': expected one of RUNNING, PAUSED, STOPPED`,
      );
    }
    initialState = state;
  }
  return { name: (rawName ?? '').trim(), config, initialState };
}

/** `PATCH .../offsets`: `{"offsets": [{"partition": {...}, "offset": {...} | null}]}`, at least one. */
export function readConnectorOffsets(body: unknown): ConnectorOffsets {
  const entries = isObject(body) ? body.offsets : undefined;
  if (entries === undefined || entries === null || (Array.isArray(entries) && entries.length === 0)) {
    throw badRequest('Partitions / offsets need to be provided for an alter offsets request');
  }
  if (!Array.isArray(entries))
    throw badRequest('"offsets" must be an array of {"partition", "offset"} objects');
  const offsets: ConnectorOffset[] = entries.map((entry, index) => {
    if (!isObject(entry) || !isObject(entry.partition)) {
      throw badRequest(`Offset entry ${index} needs a "partition" object`);
    }
    if (entry.offset !== null && entry.offset !== undefined && !isObject(entry.offset)) {
      throw badRequest(`Offset entry ${index} has an "offset" that is neither an object nor null`);
    }
    return { partition: entry.partition, offset: isObject(entry.offset) ? entry.offset : null };
  });
  return { offsets };
}

/** Connect reads query booleans with Java's `Boolean.valueOf`: only "true" (any case) is true. */
export function queryFlag(value: unknown, fallback: boolean): boolean {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return fallback;
  return String(first).toLowerCase() === 'true';
}
