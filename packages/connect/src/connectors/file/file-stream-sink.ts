import { type FileHandle, open } from 'node:fs/promises';
import type { ConnectorPlugin, SinkTask } from '../../api/connector.js';
import { KAFKA_VERSION } from '../../api/kafka-version.js';
import type { SinkRecord } from '../../api/records.js';
import { ConfigDef } from '../../config/config-def.js';

const VERSION = KAFKA_VERSION;

const configDef = new ConfigDef().define({
  name: 'file',
  type: 'STRING',
  default: null,
  importance: 'HIGH',
  documentation: 'Destination filename. Required here: a worker has no terminal to print to.',
});

/** How Apache's sink prints a value: String.valueOf, i.e. strings as-is and structures as text. */
function lineOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

/**
 * Apache Kafka's FileStreamSink: appends each record's value as a line. Offsets are committed
 * only after the file is synced to disk (preCommit), so a crash never loses an acknowledged line.
 */
class FileStreamSinkTask implements SinkTask {
  #handle: FileHandle | undefined;
  #dirty = false;

  async start(config: Record<string, string>): Promise<void> {
    this.#handle = await open(config.file ?? '', 'a');
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0 || !this.#handle) return;
    await this.#handle.appendFile(`${records.map((r) => lineOf(r.value)).join('\n')}\n`);
    this.#dirty = true;
  }

  async preCommit<T>(current: T): Promise<T> {
    if (this.#dirty && this.#handle) {
      await this.#handle.sync();
      this.#dirty = false;
    }
    return current;
  }

  async stop(): Promise<void> {
    await this.#handle?.sync().catch(() => {});
    await this.#handle?.close();
    this.#handle = undefined;
  }
}

export const fileStreamSinkPlugin: ConnectorPlugin = {
  className: 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  aliases: ['FileStreamSinkConnector', 'FileStreamSink'],
  type: 'sink',
  version: VERSION,
  configDef,
  validate(config) {
    const problems = new Map<string, string[]>();
    if (!config.file)
      problems.set('file', ['Missing required configuration "file" which has no default value.']);
    return problems;
  },
  createConnector: () => {
    let config: Record<string, string> = {};
    return {
      version: () => VERSION,
      start: (c) => {
        config = c;
      },
      taskConfigs: (maxTasks) => Array.from({ length: maxTasks }, () => ({ ...config })),
      stop: () => {},
    };
  },
  createTask: () => new FileStreamSinkTask(),
};
