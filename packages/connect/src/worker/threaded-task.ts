import type { Worker as Thread } from 'node:worker_threads';
import type { Logger } from 'pino';
import { knownSecrets } from '../logging/known-secrets.js';
import type { TaskSetup } from './task-setup.js';
import { ReportedFailure } from './task-status.js';
import type { FromTaskThread, TaskThreadStart, ToTaskThread } from './task-thread-messages.js';
import type { TaskThreadPool } from './task-thread-pool.js';
import type { TaskRunner } from './worker-task.js';

/** How long stop() waits for the task's last commit and clean close on its thread. */
const STOP_TIMEOUT_MS = 60_000;

/** Unique in the process: a restarted task is a new id, so a late message of its predecessor is not its. */
let nextId = 1;

export interface ThreadedTaskOptions {
  pool: TaskThreadPool;
  setup: TaskSetup;
  /** The worker's file.stream.allowed.dirs (the thread builds the plugins itself). */
  fileStreamAllowedDirs: readonly string[];
  logger: Logger;
  /** The worker's logger levels by namespace, which the thread's loggers take. */
  logLevels: () => Record<string, string>;
  /** Calls `listener` when an operator changed a level (PUT /admin/loggers); returns its removal. */
  onLogLevelsChanged: (listener: () => void) => () => void;
  /** How long stop() waits for the task's last commit and clean close; default 60 s. */
  stopTimeoutMs?: number;
}

/**
 * A sink task running on a task thread, as Apache runs each task on a thread of its own: its
 * consumer, converters, transforms, connector task and database connection live there (built by
 * task-thread.ts from the same configs), so tasks use every core while the herder, REST API and
 * stores stay on the worker's thread. As Apache's Worker.startTask hands the task to an executor,
 * start() returns once the thread has it; the thread reports RUNNING, or FAILED with the trace
 * of a failed start. Status, metrics and topic use arrive as messages and go where the task's own
 * would; pause, resume and stop go the other way.
 */
export class ThreadedTask implements TaskRunner {
  readonly #o: ThreadedTaskOptions;
  readonly #log: Logger;
  readonly #id = nextId++;
  #thread: Thread | undefined;
  #detach: (() => void) | undefined;
  #failed = false;
  /** What the worker last asked: a status the thread sent before it saw that is reported as it. */
  #paused = false;
  #stopping: Promise<void> | undefined;
  #onStopped: ((clean: boolean) => void) | undefined;

  constructor(options: ThreadedTaskOptions) {
    this.#o = options;
    const { connector, taskId } = options.setup;
    this.#log = options.logger.child({ connector, task: taskId });
  }

  async start(initiallyPaused: boolean): Promise<void> {
    const { setup } = this.#o;
    const start: TaskThreadStart = {
      connector: setup.connector,
      taskId: setup.taskId,
      taskConfig: setup.taskConfig,
      connectorConfig: setup.connectorConfig,
      worker: setup.worker,
      client: setup.client,
      secrets: knownSecrets(),
      logLevels: this.#o.logLevels(),
      fileStreamAllowedDirs: this.#o.fileStreamAllowedDirs,
      initiallyPaused,
    };
    this.#paused = initiallyPaused;
    const thread = this.#o.pool.acquire('connect-task');
    this.#thread = thread;
    this.#log.info({ threadId: thread.threadId }, 'task runs on a task thread');
    const onMessage = (message: FromTaskThread) => {
      if (message.id === this.#id) this.#onMessage(message);
    };
    const onError = (error: Error) => {
      // An exception the thread did not catch ends it, and every task on it.
      this.#log.error({ err: error }, 'task thread failed');
      this.#fail(error);
    };
    const onExit = (code: number) => {
      this.#thread = undefined;
      this.#onStopped?.(false);
      if (!this.#stopping) this.#fail(new Error(`The task thread exited with code ${code}`));
    };
    // Sent as the level changes, before the PUT answers: what the task logs next has it.
    const stopWatching = this.#o.onLogLevelsChanged(() =>
      this.#post({ type: 'log-levels', levels: this.#o.logLevels() }),
    );
    thread.on('message', onMessage);
    thread.on('error', onError);
    thread.on('exit', onExit);
    this.#detach = () => {
      stopWatching();
      thread.off('message', onMessage);
      thread.off('error', onError);
      thread.off('exit', onExit);
    };
    this.#post({ type: 'start', id: this.#id, start });
  }

  #onMessage(message: FromTaskThread): void {
    const { setup } = this.#o;
    switch (message.type) {
      case 'status': {
        if (message.state === 'FAILED') this.#failed = true;
        // A RUNNING sent before the thread had the worker's pause (or PAUSED before its resume)
        // is stale: the worker already reported the state it asked for, and the thread follows.
        const running = message.state === 'RUNNING' || message.state === 'PAUSED';
        const state = running ? (this.#paused ? 'PAUSED' : 'RUNNING') : message.state;
        setup.report(state, message.trace === undefined ? undefined : new ReportedFailure(message.trace));
        break;
      }
      case 'start-failed':
        // Where Worker.startTask logs a task that failed to start on its own thread.
        this.#log.error({ trace: message.trace.split('\n', 1)[0] }, 'task failed to start');
        this.#fail(new ReportedFailure(message.trace));
        break;
      case 'metrics': {
        const { delta } = message;
        if (delta.recordsIn) setup.metrics.recordsIn.inc(delta.recordsIn);
        if (delta.recordsOut) setup.metrics.recordsOut.inc(delta.recordsOut);
        if (delta.recordsSkipped) setup.metrics.recordsSkipped.inc(delta.recordsSkipped);
        for (const s of delta.putSeconds) setup.metrics.putLatency.observe(s);
        for (const s of delta.commitSeconds) setup.metrics.commitLatency.observe(s);
        break;
      }
      case 'topic':
        setup.onTopicUsed(message.topic);
        break;
      case 'stopped':
        this.#onStopped?.(true);
        break;
      case 'started':
        break;
    }
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#o.setup.report('FAILED', error);
  }

  #post(message: ToTaskThread): void {
    this.#thread?.postMessage(message);
  }

  pause(): void {
    this.#paused = true;
    this.#post({ type: 'pause', id: this.#id });
  }

  resume(): void {
    this.#paused = false;
    this.#post({ type: 'resume', id: this.#id });
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const thread = this.#thread;
    if (!thread) {
      this.#detach?.();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const clean = await new Promise<boolean>((resolve) => {
      this.#onStopped = resolve;
      const waitedMs = this.#o.stopTimeoutMs ?? STOP_TIMEOUT_MS;
      timer = setTimeout(() => {
        this.#log.warn({ waitedMs }, 'task did not stop in time on its thread; leaving it behind');
        resolve(false);
      }, waitedMs);
      this.#post({ type: 'stop', id: this.#id });
    });
    clearTimeout(timer);
    this.#detach?.();
    this.#thread = undefined;
    // Its last commit is made and its clients closed: the thread can take other tasks.
    if (clean) this.#o.pool.release(thread);
    else this.#o.pool.abandon(thread);
  }
}
