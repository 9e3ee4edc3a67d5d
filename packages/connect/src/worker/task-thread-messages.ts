import type { ConnectorState } from '../entities.js';
import type { TaskSetup } from './task-setup.js';

// What crosses between the worker's thread and a task thread (threaded-task.ts, task-thread.ts).
// Plain data only: structured clone copies it, and nothing on one side holds the other's objects.

/** What a task thread is sent to run a task: everything it needs to build the task's runner. */
export interface TaskThreadStart
  extends Pick<TaskSetup, 'connector' | 'taskId' | 'taskConfig' | 'connectorConfig' | 'worker' | 'client'> {
  /** The worker's known secrets: the thread's log lines, traces and DLQ headers hide them too. */
  secrets: string[];
  /** The worker's logger levels by namespace (GET /admin/loggers), which the thread's loggers take. */
  logLevels: Record<string, string>;
  /** The worker's file.stream.allowed.dirs, for the built-in FileStream connectors. */
  fileStreamAllowedDirs: readonly string[];
  initiallyPaused: boolean;
}

/**
 * A thread runs the tasks it is given side by side on its event loop, each known by the `id` its
 * start carried (unique in the worker process, so a restarted task is a new id). Threads stay
 * for the next tasks: a new thread costs about a second of CPU to import its modules.
 */
export type ToTaskThread =
  | { type: 'start'; id: number; start: TaskThreadStart }
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number }
  | { type: 'stop'; id: number }
  /** PUT /admin/loggers changed a level: the thread's loggers follow, as the worker's own do. */
  | { type: 'log-levels'; levels: Record<string, string> };

/** Counts and timings since the last report, added to the worker's Prometheus metrics. */
export interface TaskMetricsDelta {
  recordsIn: number;
  recordsOut: number;
  recordsSkipped: number;
  putSeconds: number[];
  commitSeconds: number[];
}

export type FromTaskThread = { id: number } & (
  | { type: 'status'; state: ConnectorState; trace?: string }
  | { type: 'metrics'; delta: TaskMetricsDelta }
  | { type: 'topic'; topic: string }
  | { type: 'started' }
  | { type: 'start-failed'; trace: string }
  | { type: 'stopped' }
);
