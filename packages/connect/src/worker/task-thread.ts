import { type KafkaClients, kafkaClients } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { ConnectorState } from '../entities.js';
import { rememberSecret } from '../logging/known-secrets.js';
import type { PluginRegistry } from './plugins.js';
import { sinkTaskRunner } from './task-setup.js';
import { traceOf } from './task-status.js';
import type {
  FromTaskThread,
  TaskMetricsDelta,
  TaskThreadStart,
  ToTaskThread,
} from './task-thread-messages.js';
import type { TaskMetrics } from './worker-metrics.js';
import type { TaskRunner } from './worker-task.js';

export interface TaskThreadOptions {
  /** The thread's parentPort. */
  port: {
    postMessage(message: FromTaskThread): void;
    on(event: 'message', listener: (message: ToTaskThread) => void): unknown;
  };
  /** The connectors a task may run, for the worker's file.stream.allowed.dirs. */
  plugins: (fileStreamAllowedDirs: readonly string[]) => PluginRegistry;
  logger: Logger;
  /** Sets the thread's logger levels by namespace, as the worker's are. */
  applyLogLevels: (levels: Record<string, string>) => void;
  /** Builds the tasks' Kafka clients; default the real ones. */
  clients?: KafkaClients;
}

/**
 * The task thread's side of threaded-task.ts: builds each task's runner from the configs it is
 * sent, with its own Kafka clients, and answers the worker's pause, resume and stop. Statuses,
 * metrics and topics used go back as messages; log lines go straight to the process's stdout.
 */
export function serveTaskThread(options: TaskThreadOptions): void {
  const { port } = options;
  const tasks = new Map<number, RunningThreadTask>();
  port.on('message', (message: ToTaskThread) => {
    switch (message.type) {
      case 'start': {
        const post = (m: DistributiveOmit<FromTaskThread, 'id'>) =>
          port.postMessage({ ...m, id: message.id } as FromTaskThread);
        try {
          options.applyLogLevels(message.start.logLevels);
          tasks.set(message.id, startTask(options, message.start, post));
        } catch (error) {
          // Nothing may leave a start unanswered: the worker would wait for the task forever.
          post({ type: 'start-failed', trace: traceOf(error) });
        }
        break;
      }
      case 'log-levels':
        options.applyLogLevels(message.levels);
        break;
      case 'pause':
        tasks.get(message.id)?.runner?.pause();
        break;
      case 'resume':
        tasks.get(message.id)?.runner?.resume();
        break;
      case 'stop': {
        const task = tasks.get(message.id);
        tasks.delete(message.id);
        void (task?.stop() ?? Promise.resolve()).finally(() =>
          port.postMessage({ type: 'stopped', id: message.id }),
        );
        break;
      }
    }
  });
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface RunningThreadTask {
  runner: TaskRunner | undefined;
  stop(): Promise<void>;
}

function startTask(
  options: TaskThreadOptions,
  start: TaskThreadStart,
  post: (message: DistributiveOmit<FromTaskThread, 'id'>) => void,
): RunningThreadTask {
  for (const secret of start.secrets) rememberSecret(secret);
  const log = options.logger.child({ component: 'worker' });
  const metrics = new MetricsBuffer((delta) => post({ type: 'metrics', delta }));
  const task: RunningThreadTask = {
    runner: undefined,
    stop: async () => {
      try {
        await started;
        await task.runner?.stop();
      } catch (error) {
        log.warn({ err: error, connector: start.connector, task: start.taskId }, 'task stop failed');
      } finally {
        metrics.flush();
      }
    },
  };
  const started = (async () => {
    try {
      const plugin = options
        .plugins(start.fileStreamAllowedDirs)
        .find(start.connectorConfig['connector.class']);
      if (!plugin) throw new Error(`Unknown connector class ${start.connectorConfig['connector.class']}`);
      if (plugin.type !== 'sink') {
        throw new Error(`Only sink tasks run on task threads; ${plugin.className} is a source connector`);
      }
      task.runner = sinkTaskRunner({
        connector: start.connector,
        taskId: start.taskId,
        plugin,
        taskConfig: start.taskConfig,
        connectorConfig: start.connectorConfig,
        worker: start.worker,
        client: start.client,
        clients: options.clients ?? kafkaClients,
        logger: log,
        report: (state: ConnectorState, error?: unknown) =>
          post({ type: 'status', state, ...(error === undefined ? {} : { trace: traceOf(error) }) }),
        metrics: metrics.taskMetrics,
        onTopicUsed: (topic) => post({ type: 'topic', topic }),
      });
      await task.runner.start(start.initiallyPaused);
      post({ type: 'started' });
    } catch (error) {
      // The runner, if built, stays: the worker's stop closes what its start opened.
      log.error({ err: error, connector: start.connector, task: start.taskId }, 'task failed to start');
      post({ type: 'start-failed', trace: traceOf(error) });
    }
  })();
  return task;
}

/**
 * Task metrics counted on the thread and sent as deltas (prom-client's registry is the worker's):
 * at most one message per turn of the thread's event loop, sent right after it, so the worker's
 * metrics lag the task's by no more than that.
 */
class MetricsBuffer {
  #delta: TaskMetricsDelta = emptyDelta();
  #scheduled = false;
  readonly #send: (delta: TaskMetricsDelta) => void;
  readonly taskMetrics: TaskMetrics = {
    recordsIn: { inc: (n = 1) => this.#change(() => (this.#delta.recordsIn += n)) },
    recordsOut: { inc: (n = 1) => this.#change(() => (this.#delta.recordsOut += n)) },
    recordsSkipped: { inc: (n = 1) => this.#change(() => (this.#delta.recordsSkipped += n)) },
    putLatency: { observe: (s) => this.#change(() => this.#delta.putSeconds.push(s)) },
    commitLatency: { observe: (s) => this.#change(() => this.#delta.commitSeconds.push(s)) },
  };

  constructor(send: (delta: TaskMetricsDelta) => void) {
    this.#send = send;
  }

  #change(apply: () => unknown): void {
    apply();
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.#scheduled = false;
    const d = this.#delta;
    const empty =
      !d.recordsIn && !d.recordsOut && !d.recordsSkipped && !d.putSeconds.length && !d.commitSeconds.length;
    if (empty) return;
    this.#delta = emptyDelta();
    this.#send(d);
  }
}

function emptyDelta(): TaskMetricsDelta {
  return { recordsIn: 0, recordsOut: 0, recordsSkipped: 0, putSeconds: [], commitSeconds: [] };
}
