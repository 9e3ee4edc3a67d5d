import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import {
  type OffsetBackingStore,
  OffsetMap,
  type SourceOffset,
  type SourcePartition,
} from './offset-store.js';

/** What `offset.storage.file.filename` holds; see docs/connect/standalone.md. */
export interface OffsetFile {
  format: 'msa-sync-connect-offsets';
  version: 1;
  /** Key and value as Connect writes them to an offsets topic: `[connector, partition]` → offset. */
  offsets: { key: [string, SourcePartition]; value: SourceOffset }[];
}

export class OffsetFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OffsetFileError';
  }
}

/**
 * Source offsets of a standalone worker, in one local file (Apache's FileOffsetBackingStore):
 * read at start, rewritten whole at every write. A source task writes every
 * offset.flush.interval.ms and when it stops, so that is how often the file changes.
 * A write goes to a temporary file that is synced and then renamed over the old one, so a crash
 * leaves either the old offsets or the new ones, never half a file.
 */
export class FileOffsetBackingStore implements OffsetBackingStore {
  readonly #file: string;
  readonly #log: Logger;
  readonly #offsets = new OffsetMap();
  /** Writes run one after another: the file always ends with the latest state. */
  #writes: Promise<void> = Promise.resolve();

  constructor(options: { file: string; logger: Logger }) {
    this.#file = options.file;
    this.#log = options.logger.child({ store: 'offsets', file: options.file });
  }

  async start(): Promise<void> {
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch (error) {
      // A first start: nothing stored yet (Apache starts empty on a missing file too).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#log.info('no offset file yet: sources start from their beginning');
        return;
      }
      throw new OffsetFileError(`Cannot read offset file ${this.#file}: ${(error as Error).message}`);
    }
    for (const { key, value } of parseOffsetFile(text, this.#file)) this.#offsets.put(key[0], key[1], value);
    this.#log.info({ partitions: this.#offsets.entries().length }, 'offsets read');
  }

  async stop(): Promise<void> {
    await this.#writes;
  }

  /** One writer: nothing to catch up with. */
  async refresh(): Promise<void> {}

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.#offsets.get(connector, partition);
  }

  list(connector: string): { partition: SourcePartition; offset: SourceOffset | null }[] {
    return this.#offsets.list(connector);
  }

  set(
    connector: string,
    entries: { partition: SourcePartition; offset: SourceOffset | null }[],
  ): Promise<void> {
    for (const { partition, offset } of entries) this.#offsets.put(connector, partition, offset);
    const snapshot = serializeOffsets(this.#offsets);
    const write = this.#writes.then(() => writeAtomically(this.#file, snapshot));
    this.#writes = write.catch(() => {});
    return write;
  }
}

export function serializeOffsets(offsets: OffsetMap): string {
  const file: OffsetFile = {
    format: 'msa-sync-connect-offsets',
    version: 1,
    offsets: offsets.entries().map(({ connector, partition, offset }) => ({
      key: [connector, partition],
      value: offset,
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Refuses anything but this store's own format: a wrong file must not silently restart sources. */
export function parseOffsetFile(text: string, file: string): OffsetFile['offsets'] {
  const bad = (why: string) =>
    new OffsetFileError(
      `Offset file ${file} ${why}. msa-sync keeps standalone offsets as JSON (see docs/connect/standalone.md); an Apache Kafka offset file (a Java-serialized map) cannot be read: point offset.storage.file.filename at a new file.`,
    );
  if (text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('is not JSON');
  }
  const doc = parsed as Partial<OffsetFile> | null;
  if (doc?.format !== 'msa-sync-connect-offsets' || !Array.isArray(doc.offsets)) {
    throw bad('is not an msa-sync offset file');
  }
  if (doc.version !== 1) throw bad(`has version ${String(doc.version)}, this worker reads version 1`);
  for (const entry of doc.offsets) {
    const key = (entry as { key?: unknown })?.key;
    const value = (entry as { value?: unknown })?.value;
    if (
      !Array.isArray(key) ||
      key.length !== 2 ||
      typeof key[0] !== 'string' ||
      !isObject(key[1]) ||
      !isObject(value)
    ) {
      throw bad(`has an entry that is not {"key": [connector, {partition}], "value": {offset}}`);
    }
  }
  return doc.offsets;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  // The rename itself is durable once the directory is synced.
  try {
    const dir = openSync(dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some file systems do not sync directories; the rename still happened.
  }
}
