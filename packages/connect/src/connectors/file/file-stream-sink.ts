import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { ConnectorPlugin, SinkTask } from '../../api/connector.js';
import { KAFKA_VERSION } from '../../api/kafka-version.js';
import type { SinkRecord } from '../../api/records.js';
import { ConfigDef } from '../../config/config-def.js';
import { allowedFile, fileProblems } from './file-access.js';

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
  readonly #allowedDirs: readonly string[];
  #handle: FileHandle | undefined;
  #dirty = false;

  constructor(allowedDirs: readonly string[]) {
    this.#allowedDirs = allowedDirs;
  }

  async start(config: Record<string, string>): Promise<void> {
    // Checked again here (the config may predate the setting); the resolved path is opened without
    // following a symlink put there since.
    const file = allowedFile(config.file ?? '', this.#allowedDirs);
    this.#handle = await open(
      file,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      0o644,
    );
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

/** The sink, limited to files inside `allowedDirs` (the worker's file.stream.allowed.dirs). */
export function createFileStreamSinkPlugin(allowedDirs: readonly string[]): ConnectorPlugin {
  return {
    className: 'org.apache.kafka.connect.file.FileStreamSinkConnector',
    taskClassName: 'org.apache.kafka.connect.file.FileStreamSinkTask',
    aliases: ['FileStreamSinkConnector', 'FileStreamSink'],
    type: 'sink',
    version: VERSION,
    configDef,
    validate: (config) => fileProblems(config.file, allowedDirs),
    createConnector: () => {
      let config: Record<string, string> = {};
      return {
        version: () => VERSION,
        start: (c) => {
          allowedFile(c.file ?? '', allowedDirs);
          config = c;
        },
        taskConfigs: (maxTasks) => Array.from({ length: maxTasks }, () => ({ ...config })),
        stop: () => {},
      };
    },
    createTask: () => new FileStreamSinkTask(allowedDirs),
  };
}

/** With the worker's default directories (the system temp directory). */
export const fileStreamSinkPlugin: ConnectorPlugin = createFileStreamSinkPlugin([tmpdir()]);
