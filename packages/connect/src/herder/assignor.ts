/** Who runs what: the leader's decision, sent to every member at the end of a rebalance. */
export interface WorkerAssignment {
  generation: number;
  leader: string;
  leaderUrl: string;
  /** Config topic position the leader had read when it assigned: members catch up to it first. */
  configOffset: string;
  connectors: string[];
  tasks: { connector: string; task: number }[];
}

export interface MemberInfo {
  memberId: string;
  workerId: string;
  url: string;
}

/**
 * Spreads connectors and then tasks over the workers, sorted so that every leader computes the
 * same answer for the same input: each worker ends up with at most one more connector and one
 * more task than any other, as Connect's assignors aim for.
 */
export function assignWork(
  members: MemberInfo[],
  connectors: string[],
  taskCounts: Map<string, number>,
): Map<string, { connectors: string[]; tasks: { connector: string; task: number }[] }> {
  const sorted = [...members].sort(
    (a, b) => a.workerId.localeCompare(b.workerId) || a.memberId.localeCompare(b.memberId),
  );
  const result = new Map(
    sorted.map((m) => [
      m.memberId,
      { connectors: [] as string[], tasks: [] as { connector: string; task: number }[] },
    ]),
  );
  if (sorted.length === 0) return result;
  const names = [...connectors].sort();
  names.forEach((name, i) => {
    result.get((sorted[i % sorted.length] as MemberInfo).memberId)?.connectors.push(name);
  });
  // Tasks continue the rotation where connectors stopped, so one worker does not get both the
  // first connector and the first task of everything.
  let slot = names.length;
  for (const name of names) {
    for (let task = 0; task < (taskCounts.get(name) ?? 0); task++) {
      result
        .get((sorted[slot % sorted.length] as MemberInfo).memberId)
        ?.tasks.push({ connector: name, task });
      slot++;
    }
  }
  return result;
}
