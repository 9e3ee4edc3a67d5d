import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The record of one load run, as JSON lines: a `run` header (who ordered what, stock at the
 * start), then one line per acknowledged order, per request whose outcome the client cannot know,
 * and per acknowledged order seen in the shared database. `msa-sync verify` reads it back.
 */
export interface RunHeader {
  type: 'run';
  runId: string;
  gatewayUrl: string;
  ratePerSecond: number;
  durationMs: number;
  concurrency: number;
  users: string[];
  products: { productId: string; stockAtStart: number }[];
  startedAt: number;
}

export interface AckedLine {
  type: 'acked';
  orderId: string;
  userId: string;
  productId: string;
  qty: number;
  /** Epoch ms when the 201 arrived. */
  ackedAt: number;
  latencyMs: number;
}

/** A request that may or may not have placed an order (timeout, connection lost after sending, 5xx). */
export interface UncertainLine {
  type: 'uncertain';
  userId: string;
  productId: string;
  qty: number;
  at: number;
  error: string;
}

export interface VisibleLine {
  type: 'visible';
  orderId: string;
  visibleAt: number;
}

export interface EndLine {
  type: 'end';
  endedAt: number;
  sent: number;
  acked: number;
  rejected: number;
  errors: number;
  timedOut: number;
}

export type AckedFileLine = RunHeader | AckedLine | UncertainLine | VisibleLine | EndLine;

/** Appends lines through one buffered stream; `close()` resolves once everything is on disk. */
export class AckedFileWriter {
  readonly path: string;
  readonly #stream: WriteStream;
  #failure: Error | undefined;

  private constructor(path: string, stream: WriteStream) {
    this.path = path;
    this.#stream = stream;
    stream.on('error', (error) => {
      this.#failure = error;
    });
  }

  static async open(path: string): Promise<AckedFileWriter> {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { flags: 'w' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return new AckedFileWriter(path, stream);
  }

  write(line: AckedFileLine): void {
    if (this.#failure) throw this.#failure;
    this.#stream.write(`${JSON.stringify(line)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      this.#stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }
}

export interface AckedRun {
  header: RunHeader;
  acked: AckedLine[];
  uncertain: UncertainLine[];
  visible: Map<string, number>;
  end: EndLine | undefined;
}

export class AckedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AckedFileError';
  }
}

/** Reads a run's file back; a missing or malformed header, or a line that is not JSON, is an error. */
export async function readAckedFile(path: string): Promise<AckedRun> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AckedFileError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  return parseAckedLines(text, path);
}

export function parseAckedLines(text: string, source = 'acked file'): AckedRun {
  const run: Omit<AckedRun, 'header'> & { header: RunHeader | undefined } = {
    header: undefined,
    acked: [],
    uncertain: [],
    visible: new Map(),
    end: undefined,
  };
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    if (!raw.trim()) continue;
    let line: AckedFileLine;
    try {
      line = JSON.parse(raw) as AckedFileLine;
    } catch {
      // A run killed mid-write leaves a torn last line; anything earlier is corruption.
      if (i === lines.length - 1) continue;
      throw new AckedFileError(`${source}:${i + 1}: not a JSON line`);
    }
    switch (line.type) {
      case 'run':
        if (run.header) throw new AckedFileError(`${source}:${i + 1}: a second run header`);
        if (!Array.isArray(line.users) || !Array.isArray(line.products))
          throw new AckedFileError(`${source}:${i + 1}: the run header has no users or products`);
        run.header = line;
        break;
      case 'acked':
        if (typeof line.orderId !== 'string' || !line.orderId)
          throw new AckedFileError(`${source}:${i + 1}: an acked line without orderId`);
        run.acked.push(line);
        break;
      case 'uncertain':
        run.uncertain.push(line);
        break;
      case 'visible':
        run.visible.set(line.orderId, line.visibleAt);
        break;
      case 'end':
        run.end = line;
        break;
      default:
        // Unknown kinds are left for newer writers; they change nothing that is checked.
        break;
    }
  }
  if (!run.header) throw new AckedFileError(`${source}: no run header (first line {"type":"run",…})`);
  return run as AckedRun;
}
