import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one worker, served on GET /metrics. */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly #recordsIn: Counter<'connector' | 'task'>;
  readonly #recordsOut: Counter<'connector' | 'task'>;
  readonly #recordsSkipped: Counter<'connector' | 'task'>;
  readonly #putLatency: Histogram<'connector' | 'task'>;
  readonly #commitLatency: Histogram<'connector' | 'task'>;
  readonly taskStates: Gauge<'connector' | 'task' | 'state'>;
  readonly sinkLag: Gauge<'connector' | 'task'>;

  constructor() {
    const registers = [this.registry];
    this.#recordsIn = new Counter({
      name: 'connect_task_records_in_total',
      help: 'Records read by tasks (polled from the source system, or consumed from Kafka by sinks)',
      labelNames: ['connector', 'task'],
      registers,
    });
    this.#recordsOut = new Counter({
      name: 'connect_task_records_out_total',
      help: 'Records written by tasks (produced to Kafka by sources, put into the target by sinks)',
      labelNames: ['connector', 'task'],
      registers,
    });
    this.#recordsSkipped = new Counter({
      name: 'connect_task_records_skipped_total',
      help: 'Records skipped under errors.tolerance=all',
      labelNames: ['connector', 'task'],
      registers,
    });
    this.#putLatency = new Histogram({
      name: 'connect_sink_put_seconds',
      help: 'Time a sink task spent in put() per batch',
      labelNames: ['connector', 'task'],
      registers,
    });
    this.#commitLatency = new Histogram({
      name: 'connect_offset_commit_seconds',
      help: 'Time to commit offsets (consumer offsets for sinks, offsets topic for sources)',
      labelNames: ['connector', 'task'],
      registers,
    });
    this.taskStates = new Gauge({
      name: 'connect_task_state',
      help: '1 for the state each task is in',
      labelNames: ['connector', 'task', 'state'],
      registers,
    });
    this.sinkLag = new Gauge({
      name: 'connect_sink_task_lag_records',
      help: 'Records between what a sink task consumed and the end of its partitions',
      labelNames: ['connector', 'task'],
      registers,
    });
  }

  forTask(connector: string, task: number): TaskMetrics {
    const labels = { connector, task: String(task) };
    return {
      recordsIn: this.#recordsIn.labels(labels),
      recordsOut: this.#recordsOut.labels(labels),
      recordsSkipped: this.#recordsSkipped.labels(labels),
      putLatency: this.#putLatency.labels(labels),
      commitLatency: this.#commitLatency.labels(labels),
    };
  }

  setTaskState(connector: string, task: number, state: string): void {
    for (const s of ['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'RESTARTING']) {
      this.taskStates.labels({ connector, task: String(task), state: s }).set(s === state ? 1 : 0);
    }
  }
}

export interface TaskMetrics {
  recordsIn: { inc(n?: number): void };
  recordsOut: { inc(n?: number): void };
  recordsSkipped: { inc(n?: number): void };
  putLatency: { observe(seconds: number): void };
  commitLatency: { observe(seconds: number): void };
}
