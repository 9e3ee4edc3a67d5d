import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SinkTask } from '../../api/connector.js';
import { traceOf } from '../../worker/task-status.js';
import { fileStreamSinkPlugin } from './file-stream-sink.js';

describe('FileStreamSink task', () => {
  it("fails to start on a file it cannot create with Apache's ConnectException and message", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsk-'));
    writeFileSync(join(dir, 'plain'), '');
    const file = join(dir, 'plain', 'out.txt');
    const task = fileStreamSinkPlugin.createTask() as SinkTask;
    const failure = await Promise.resolve()
      .then(() => task.start({ file, topics: 't' }, {} as never))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const trace = traceOf(failure).split('\n');
    expect(trace[0]).toBe(
      `org.apache.kafka.connect.errors.ConnectException: Couldn't find or create file '${file}' for FileStreamSinkTask`,
    );
    // The system's reason stays in the trace, as the cause.
    expect(trace.find((line) => line.startsWith('Caused by:'))).toContain('ENOTDIR');
  });
});
