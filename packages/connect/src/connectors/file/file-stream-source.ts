import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { ConnectorPlugin, SourceTask, SourceTaskContext } from '../../api/connector.js';
import { KAFKA_VERSION } from '../../api/kafka-version.js';
import type { SourceRecord } from '../../api/records.js';
import { ConfigDef } from '../../config/config-def.js';
import { Schema } from '../../data/schema.js';
import { badRequest } from '../../errors/connect-error.js';
import { allowedFile, fileProblems } from './file-access.js';

const VERSION = KAFKA_VERSION;
const STRING_SCHEMA = new Schema({ type: 'string' });

const configDef = new ConfigDef()
  .define({
    name: 'file',
    type: 'STRING',
    default: null,
    importance: 'HIGH',
    documentation: 'Source filename. Required here: reading standard input makes no sense for a worker.',
  })
  .define({
    name: 'topic',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The topic to publish data to',
  })
  .define({
    name: 'batch.size',
    type: 'INT',
    default: 2000,
    importance: 'LOW',
    documentation:
      'The maximum number of records the source task can read from the file each time it is polled',
  });

/**
 * Apache Kafka's FileStreamSource: each line of `file` becomes a string record on `topic`. The
 * offset is the byte position after the line, under partition {"filename": file}, as in Apache's.
 */
class FileStreamSourceTask implements SourceTask {
  readonly #allowedDirs: readonly string[];
  #file = '';
  #topic = '';
  #batchSize = 2000;
  #position = 0;
  #partial: Buffer = Buffer.alloc(0);

  constructor(allowedDirs: readonly string[]) {
    this.#allowedDirs = allowedDirs;
  }

  start(config: Record<string, string>, context: SourceTaskContext): void {
    this.#file = config.file ?? '';
    allowedFile(this.#file, this.#allowedDirs);
    this.#topic = config.topic ?? '';
    this.#batchSize = Number(config['batch.size'] ?? 2000);
    const offset = context.offsetStorageReader.offset({ filename: this.#file });
    this.#position = typeof offset?.position === 'number' ? offset.position : 0;
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    const records = await this.#readLines();
    if (records.length > 0) return records;
    await new Promise<void>((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, 1000);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return [];
  }

  async #readLines(): Promise<SourceRecord[]> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      // Re-checked at every open: a symlink created after start must not lead elsewhere.
      handle = await open(
        allowedFile(this.#file, this.#allowedDirs),
        constants.O_RDONLY | constants.O_NOFOLLOW,
      );
    } catch (error) {
      // Apache's task waits for a file that does not exist yet.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const records: SourceRecord[] = [];
      const chunk = Buffer.alloc(64 * 1024);
      let readAt = this.#position + this.#partial.length;
      while (records.length < this.#batchSize) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, readAt);
        if (bytesRead === 0) break;
        readAt += bytesRead;
        // Lines are cut on bytes, then decoded: a multi-byte character may straddle two chunks.
        const data = Buffer.concat([this.#partial, chunk.subarray(0, bytesRead)]);
        let start = 0;
        for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a, start)) {
          const raw = data.subarray(start, newline);
          start = newline + 1;
          const text = raw.toString('utf8');
          const line = text.endsWith('\r') ? text.slice(0, -1) : text;
          this.#position += raw.length + 1;
          records.push({
            sourcePartition: { filename: this.#file },
            sourceOffset: { position: this.#position },
            topic: this.#topic,
            valueSchema: STRING_SCHEMA,
            value: line,
          });
        }
        this.#partial = Buffer.from(data.subarray(start));
      }
      return records;
    } finally {
      await handle.close();
    }
  }

  stop(): void {}
}

const FILENAME_FIELD = 'filename';
const POSITION_FIELD = 'position';

/**
 * What Apache's `FileStreamSourceConnector.alterOffsets` accepts: partitions `{"filename": …}`,
 * offsets null or `{"position": <a non-negative long>}`. Anything else would be stored and then
 * misread by the task (a string position restarts the file from byte 0).
 */
export function checkFileStreamSourceOffsets(
  offsets: readonly { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[],
): void {
  for (const { partition, offset } of offsets) {
    if (typeof partition[FILENAME_FIELD] !== 'string') {
      throw badRequest(
        `The partition for FileStreamSourceConnector offsets must contain the key '${FILENAME_FIELD}' with a string value, but was: ${JSON.stringify(partition)}`,
      );
    }
    if (offset === null) continue;
    if (!(POSITION_FIELD in offset)) {
      throw badRequest(`Offset objects should either be null or contain the key '${POSITION_FIELD}'`);
    }
    const position = offset[POSITION_FIELD];
    if (typeof position !== 'number' || !Number.isInteger(position)) {
      throw badRequest(
        `The value for the '${POSITION_FIELD}' key in the offset is expected to be a Long value, but was: ${JSON.stringify(position)}`,
      );
    }
    if (position < 0 || !Number.isSafeInteger(position)) {
      throw badRequest(
        `The value for the '${POSITION_FIELD}' key in the offset should be a non-negative value, but was: ${position}`,
      );
    }
  }
}

/** The source, limited to files inside `allowedDirs` (the worker's file.stream.allowed.dirs). */
export function createFileStreamSourcePlugin(allowedDirs: readonly string[]): ConnectorPlugin {
  return {
    className: 'org.apache.kafka.connect.file.FileStreamSourceConnector',
    taskClassName: 'org.apache.kafka.connect.file.FileStreamSourceTask',
    aliases: ['FileStreamSourceConnector', 'FileStreamSource'],
    type: 'source',
    version: VERSION,
    configDef,
    alterOffsets: (_config, offsets) => checkFileStreamSourceOffsets(offsets),
    // As Apache's: a named file's byte positions say exactly where a restart resumes (if the file
    // is only appended to); standard input keeps no offsets.
    exactlyOnceSupport: (config) => ((config.file ?? '').trim() !== '' ? 'SUPPORTED' : 'UNSUPPORTED'),
    validate(config) {
      const problems = fileProblems(config.file, allowedDirs);
      const topics = (config.topic ?? '').split(',').filter((t) => t.trim());
      if (topics.length !== 1) {
        problems.set('topic', [
          "'topic' in FileStreamSourceConnector configuration requires definition of a single topic",
        ]);
      }
      return problems;
    },
    createConnector: () => {
      let config: Record<string, string> = {};
      return {
        version: () => VERSION,
        start: (c) => {
          allowedFile(c.file ?? '', allowedDirs);
          config = c;
        },
        // One file, one reader: more tasks would read the same lines twice.
        taskConfigs: () => [{ ...config }],
        stop: () => {},
      };
    },
    createTask: () => new FileStreamSourceTask(allowedDirs),
  };
}

/** With the worker's default directories (the system temp directory). */
export const fileStreamSourcePlugin: ConnectorPlugin = createFileStreamSourcePlugin([tmpdir()]);
