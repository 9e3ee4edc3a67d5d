import type { ClusterConfigState } from '../storage/cluster-config-state.js';

/** What a fencing round needs: the config topic's view, and ways to fence and to record. */
export interface FencingRoundDeps {
  state: Pick<ClusterConfigState, 'pendingFencing' | 'taskCountRecord' | 'taskCount'>;
  /** Reads the config topic to its end, so a round another leader finished is seen. */
  refresh(): Promise<void>;
  /** Fences the transactional ids of these task numbers of the connector. */
  fence(tasks: number[]): Promise<void>;
  putTaskCountRecord(taskCount: number): Promise<void>;
}

export type FencingRoundResult = 'not-pending' | 'recorded' | 'fenced';

/**
 * Apache's zombie fencing round for an exactly-once source connector (DistributedHerder's
 * fenceZombieSourceTasks), run by the leader once new task configs are committed and before any
 * task of the new generation starts its producer:
 * - every task id of the last fenced generation is fenced, so a zombie of that generation (a task
 *   on a paused or cut-off worker) can commit nothing more. A new task fences only the earlier
 *   holder of its own id; after 3 tasks became 2, nobody else would fence task 2.
 * - then a task count record says the new generation may start.
 * Nothing to fence before the first record (no task had a transactional producer yet), nor when
 * one task follows one task (the new task 0 fences the old one itself).
 */
export async function runFencingRound(deps: FencingRoundDeps, name: string): Promise<FencingRoundResult> {
  await deps.refresh();
  if (!deps.state.pendingFencing(name)) return 'not-pending';
  const previous = deps.state.taskCountRecord(name);
  const next = deps.state.taskCount(name);
  let result: FencingRoundResult = 'recorded';
  if (previous !== undefined && !(previous === 1 && next === 1)) {
    await deps.fence(Array.from({ length: previous }, (_, task) => task));
    result = 'fenced';
  }
  await deps.putTaskCountRecord(next);
  return result;
}

/** What a task's wait reads: whether the round of the connector's latest task set is done. */
export type FencingView = Pick<ClusterConfigState, 'pendingFencing'>;

/**
 * Apache's preflight check of an exactly-once source task, before its producer starts: waits for
 * the fencing round of the connector's latest task generation (the leader runs it when the task
 * configs are committed). Fails when the round does not finish within `timeoutMs`, or when
 * `signal` aborts (the task was stopped meanwhile).
 */
export async function awaitFencingRound(
  view: FencingView,
  name: string,
  options: { signal: AbortSignal; timeoutMs: number; pollMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (view.pendingFencing(name)) {
    options.signal.throwIfAborted();
    if (Date.now() >= deadline) {
      throw new Error(
        `The zombie fencing round of connector ${name} did not finish within ${options.timeoutMs} ms: exactly-once source tasks of a new task generation start once the leader has fenced the transactional ids of the previous one`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 25));
  }
}
