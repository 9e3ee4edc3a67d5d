import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { ConnectException } from '../../api/connect-exception.js';
import type { ConnectorPlugin, SinkTask } from '../../api/connector.js';
import { KAFKA_VERSION } from '../../api/kafka-version.js';
import type { SinkRecord } from '../../api/records.js';
import { ConfigDef } from '../../config/config-def.js';
import type { Schema } from '../../data/schema.js';
import { javaToString } from '../../data/struct.js';
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
/**
 * The line Apache's FileStreamSink prints for a value: its Java `toString()` (`Struct{a=1}`,
 * `[a, b]`, `{k=v}`, `1.0`). Bytes are written as UTF-8 text (Java would print `[B@1b6d3586`), and
 * a schemaless JSON object as JSON.
 */
function lineOf(value: unknown, schema: Schema | undefined): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return javaToString(value, schema);
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
    try {
      this.#handle = await open(
        file,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
        0o644,
      );
    } catch (error) {
      // Apache's FileStreamSinkTask's words, with the system's reason as the cause.
      throw new ConnectException(`Couldn't find or create file '${config.file}' for FileStreamSinkTask`, {
        cause: error,
      });
    }
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0 || !this.#handle) return;
    await this.#handle.appendFile(`${records.map((r) => lineOf(r.value, r.valueSchema)).join('\n')}\n`);
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
