import { availableParallelism } from 'node:os';
import { Worker as Thread } from 'node:worker_threads';

interface PooledThread {
  thread: Thread;
  /** Tasks running on it. */
  load: number;
  /** A task on it did not stop: it takes no new task, and ends once its others stopped. */
  abandoned: boolean;
}

/**
 * The threads sink tasks run on (threaded-task.ts): at most one per core, each running the tasks
 * it is given side by side, the least loaded first. A thread without tasks stays, unref'd, for
 * the next task: a task restarted by a rebalance or a config change does not pay for a new
 * thread, whose imports cost about a second of CPU.
 */
export class TaskThreadPool {
  readonly #entry: URL;
  readonly #max: number;
  readonly #threads: PooledThread[] = [];
  #closed = false;

  /** `entry`: the thread's module (bin/task-thread-main.ts, built); `max`: default the cores. */
  constructor(entry: URL, max: number = availableParallelism()) {
    this.#entry = entry;
    this.#max = Math.max(1, max);
  }

  acquire(name: string): Thread {
    if (this.#closed) throw new Error('The worker is stopping: no task starts');
    const open = this.#threads.filter((t) => !t.abandoned);
    let chosen = open.find((t) => t.load === 0);
    if (!chosen && open.length >= this.#max) chosen = open.reduce((a, b) => (b.load < a.load ? b : a));
    if (!chosen) chosen = this.#spawn(name);
    if (chosen.load === 0) chosen.thread.ref();
    chosen.load++;
    return chosen.thread;
  }

  #spawn(name: string): PooledThread {
    const pooled: PooledThread = { thread: new Thread(this.#entry, { name }), load: 0, abandoned: false };
    this.#threads.push(pooled);
    pooled.thread.once('exit', () => {
      const i = this.#threads.indexOf(pooled);
      if (i >= 0) this.#threads.splice(i, 1);
    });
    // The threads' own failures reach the tasks on them (threaded-task.ts); this keeps an
    // idle thread's from being an unhandled 'error' event of the process.
    pooled.thread.on('error', () => {});
    return pooled;
  }

  /** A task on this thread stopped cleanly. */
  release(thread: Thread): void {
    const pooled = this.#threads.find((t) => t.thread === thread);
    if (!pooled) return;
    pooled.load = Math.max(0, pooled.load - 1);
    if (pooled.load > 0) return;
    if (pooled.abandoned || this.#closed) void thread.terminate();
    else thread.unref();
  }

  /** A task on this thread did not stop in time: the thread takes no new task and ends once idle. */
  abandon(thread: Thread): void {
    const pooled = this.#threads.find((t) => t.thread === thread);
    if (!pooled) return;
    pooled.abandoned = true;
    this.release(thread);
  }

  /** Ends every thread (stop their tasks first). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map((t) => t.thread.terminate()));
  }

  /** Threads alive. */
  get size(): number {
    return this.#threads.length;
  }
}
