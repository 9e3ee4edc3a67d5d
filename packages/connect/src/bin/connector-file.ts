import { readFileSync } from 'node:fs';
import type { ConnectorConfig } from '../entities.js';
import { type InitialState, readConfigMap, readCreateConnectorRequest } from '../rest/request-bodies.js';
import { parseJavaProperties } from '../worker/java-properties.js';

export class ConnectorFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectorFileError';
  }
}

export interface ConnectorFile {
  name: string;
  config: ConnectorConfig;
  initialState: InitialState | undefined;
}

/**
 * A connector file on connect-standalone's command line, in the forms Apache 4.x's
 * ConnectStandalone reads: a JSON object of config values (`{"name": …, "connector.class": …}`),
 * a JSON create request as `POST /connectors` takes (`{"name": …, "config": {…},
 * "initial_state": …}`), or Java properties.
 */
export function readConnectorFile(file: string): ConnectorFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConnectorFileError(`Cannot read connector configuration ${file}: ${(error as Error).message}`);
  }
  return parseConnectorFile(text, file);
}

export function parseConnectorFile(text: string, file: string): ConnectorFile {
  const fail = (why: string) => new ConnectorFileError(`Connector configuration at '${file}' ${why}`);
  const missingName = () => fail(`is missing the mandatory 'name' configuration`);
  // Apache tries JSON first and falls back to properties; a file that opens like a JSON object
  // and does not parse is reported as broken JSON rather than read as odd properties.
  if (text.trimStart().startsWith('{')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw fail(`is not valid JSON: ${(error as Error).message}`);
    }
    const record = body as Record<string, unknown>;
    const isRequest = typeof record.config === 'object' && record.config !== null;
    try {
      if (!isRequest) {
        const config = readConfigMap(body, 'A JSON connector configuration');
        if (config.name === undefined) throw missingName();
        return { name: config.name, config, initialState: undefined };
      }
      const request = readCreateConnectorRequest(body);
      if (!request.name) throw missingName();
      const inConfig = request.config.name;
      if (inConfig !== undefined && inConfig !== request.name) {
        throw fail(`has a 'name' in 'config' (${inConfig}) that differs from its 'name' (${request.name})`);
      }
      return {
        name: request.name,
        config: { ...request.config, name: request.name },
        initialState: request.initialState,
      };
    } catch (error) {
      if (error instanceof ConnectorFileError) throw error;
      throw fail(`is not a connector configuration: ${(error as Error).message}`);
    }
  }
  const config = Object.fromEntries(parseJavaProperties(text));
  if (config.name === undefined) throw missingName();
  return { name: config.name, config, initialState: undefined };
}
