import type { Logger } from 'pino';
import type { ConnectorState } from '../entities.js';
import type { StatusReporter } from './task-status.js';

export interface WorkerTaskOptions {
  connector: string;
  taskId: number;
  /** The connector's task itself: stopped by stop(), after the runner's last commit. */
  task: { stop(): Promise<void> | void };
  logger: Logger;
  report: StatusReporter;
}

/** What the Worker does with a running task, whether it runs on the worker's thread or its own. */
export interface TaskRunner {
  /** Resolves once the task runs (or rejects when its start failed). */
  start(initiallyPaused: boolean): Promise<void>;
  pause(): void;
  resume(): void;
  /** Makes the last commit, stops the connector's task and closes its clients. */
  stop(): Promise<void>;
}

/**
 * What every task runner shares, as Apache's WorkerTask: start (set up, run until stopped or
 * failed), pause and resume, status reporting, and stop. A runner supplies its steps: set up its
 * clients and start the task (initialize), its loop (execute), what a failure releases, how the
 * loop ends and makes its last commit on stop, and what it closes.
 */
export abstract class WorkerTask implements TaskRunner {
  protected readonly log: Logger;
  /** False once stop() began or the loop failed: the loop ends at its next step. */
  protected running = false;
  protected paused = false;
  readonly #options: WorkerTaskOptions;
  #done: Promise<void> | undefined;

  constructor(options: WorkerTaskOptions) {
    this.#options = options;
    this.log = options.logger.child({ connector: options.connector, task: options.taskId });
  }

  /** Starts the task; resolves once it runs (or rejects when start failed). */
  async start(initiallyPaused: boolean): Promise<void> {
    this.paused = initiallyPaused;
    await this.initialize();
    this.running = true;
    this.report(this.paused ? 'PAUSED' : 'RUNNING');
    this.#done = this.execute().catch(async (error: unknown) => {
      this.log.error({ err: error }, `${this.kind} task failed`);
      this.running = false;
      this.report('FAILED', error);
      await this.releaseAfterFailure();
    });
  }

  pause(): void {
    this.paused = true;
    this.onPause();
  }

  resume(): void {
    this.paused = false;
    this.onResume();
  }

  /** Ends the loop, makes the last commit, stops the connector's task, then closes the clients. */
  async stop(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    await this.finish(wasRunning);
    try {
      await this.#options.task.stop();
    } catch (error) {
      this.log.warn({ err: error }, 'task stop failed');
    }
    await this.close();
  }

  protected report(state: ConnectorState, error?: unknown): void {
    this.#options.report(state, error);
  }

  /** The loop's end, once it has started: on stop, or after its failure was handled. */
  protected get done(): Promise<void> | undefined {
    return this.#done;
  }

  protected abstract readonly kind: 'sink' | 'source';
  /** Builds the clients and starts the connector's task (Apache's initializeAndStart). */
  protected abstract initialize(): Promise<void>;
  /** The loop, until `running` turns false; a rejection fails the task. */
  protected abstract execute(): Promise<void>;
  /** After the FAILED status: what a failed task must not hold on to (partitions, a transaction). */
  protected abstract releaseAfterFailure(): Promise<void>;
  protected abstract onPause(): void;
  protected abstract onResume(): void;
  /** On stop: ends the loop (wakes it, waits for it) and makes the last commit. */
  protected abstract finish(wasRunning: boolean): Promise<void>;
  /** On stop, after the task stopped: closes the runner's clients. */
  protected abstract close(): Promise<void>;
}
