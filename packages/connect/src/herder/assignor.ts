export interface TaskId {
  connector: string;
  task: number;
}

/** What a member runs, or is to run: connectors and tasks. */
export interface WorkSet {
  connectors: string[];
  tasks: TaskId[];
}

/**
 * Who runs what: the leader's decision, sent to every member at the end of a rebalance. The
 * member runs exactly `connectors` and `tasks` afterwards (the whole set, not a delta).
 */
export interface WorkerAssignment extends WorkSet {
  generation: number;
  leader: string;
  leaderUrl: string;
  /** Config topic position the leader had read when it assigned: members catch up to it first. */
  configOffset: string;
  /**
   * Cooperative protocol: what this member ran and must stop because another member takes it over
   * at the next rebalance. The member stops it and rejoins at once; until then nobody runs it.
   */
  revoked?: WorkSet;
}

export interface MemberInfo {
  memberId: string;
  workerId: string;
  url: string;
  /** Cooperative protocol: what the member runs as it joins (from its join metadata). */
  owned?: WorkSet;
}

/** A member's share after a cooperative rebalance: what it runs, and what it must stop first. */
export interface CooperativeShare extends WorkSet {
  revoked: WorkSet;
}

const byWorker = (a: MemberInfo, b: MemberInfo) =>
  a.workerId.localeCompare(b.workerId) || a.memberId.localeCompare(b.memberId);

/**
 * Eager protocol (`connect.protocol=eager`): every member stopped everything before it rejoined,
 * so work is dealt afresh. Spreads connectors and then tasks over the workers, sorted so that
 * every leader computes the same answer for the same input: each worker ends up with at most one
 * more connector and one more task than any other.
 */
export function assignWork(
  members: MemberInfo[],
  connectors: string[],
  taskCounts: Map<string, number>,
): Map<string, WorkSet> {
  const sorted = [...members].sort(byWorker);
  const result = new Map(
    sorted.map((m) => [m.memberId, { connectors: [] as string[], tasks: [] as TaskId[] }]),
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

/**
 * Incremental cooperative protocol (Apache Connect's IncrementalCooperativeAssignor, without its
 * scheduled delay): members keep running what they report in their join metadata. Work that no
 * member runs (new, or left behind by a worker that left the group) goes to the least-loaded
 * members at once. Balancing takes work away from members above their fair share but gives it to
 * nobody in this round: it is only `revoked`, the member stops it and rejoins, and the next round
 * hands it out as unowned work. So no connector or task ever runs on two members at once, and
 * what does not move is never stopped. Connectors and tasks are balanced separately, each within
 * one of every other member.
 */
export function assignCooperative(
  members: MemberInfo[],
  connectors: string[],
  taskCounts: Map<string, number>,
): Map<string, CooperativeShare> {
  const sorted = [...members].sort(byWorker);
  const ids = sorted.map((m) => m.memberId);
  const names = [...connectors].sort();
  const taskKeys = names.flatMap((name) =>
    Array.from({ length: taskCounts.get(name) ?? 0 }, (_, task) => taskKey({ connector: name, task })),
  );
  // Loads of the other kind break ties, so a worker given a connector is not also given its task.
  const connectorShares = balance(
    ids,
    new Map(sorted.map((m) => [m.memberId, m.owned?.connectors ?? []])),
    names,
    () => 0,
  );
  const taskShares = balance(
    ids,
    new Map(sorted.map((m) => [m.memberId, (m.owned?.tasks ?? []).map(taskKey)])),
    taskKeys,
    (id) => connectorShares.get(id)?.kept.length ?? 0,
  );
  return new Map(
    ids.map((id) => {
      const c = connectorShares.get(id) as Share;
      const t = taskShares.get(id) as Share;
      return [
        id,
        {
          connectors: c.kept,
          tasks: t.kept.map(parseTaskKey),
          revoked: { connectors: c.revoked, tasks: t.revoked.map(parseTaskKey) },
        },
      ];
    }),
  );
}

interface Share {
  kept: string[];
  revoked: string[];
}

/** One kind of work (connectors or tasks, by key) over the members, in member order. */
function balance(
  ids: string[],
  owned: Map<string, string[]>,
  existing: string[],
  otherLoad: (id: string) => number,
): Map<string, Share> {
  const shares = new Map(ids.map((id) => [id, { kept: [] as string[], revoked: [] as string[] }]));
  if (ids.length === 0) return shares;
  const exists = new Set(existing);
  const claims = new Map<string, number>();
  for (const id of ids) {
    for (const key of new Set(owned.get(id))) claims.set(key, (claims.get(key) ?? 0) + 1);
  }
  for (const id of ids) {
    const share = shares.get(id) as Share;
    for (const key of [...new Set(owned.get(id))].sort()) {
      // Deleted work is simply dropped (the member stops it); work two members claim is taken
      // from both and handed out at the next round, as Apache does with duplicated assignments.
      if (!exists.has(key)) continue;
      if ((claims.get(key) ?? 0) > 1) share.revoked.push(key);
      else share.kept.push(key);
    }
  }
  // Fair shares: q each, q+1 for the r most loaded (so the fewest items move).
  const q = Math.floor(existing.length / ids.length);
  const r = existing.length % ids.length;
  const byLoad = [...ids].sort(
    (a, b) => (shares.get(b) as Share).kept.length - (shares.get(a) as Share).kept.length,
  );
  const target = new Map(byLoad.map((id, i) => [id, i < r ? q + 1 : q]));
  for (const id of ids) {
    const share = shares.get(id) as Share;
    const excess = share.kept.length - (target.get(id) as number);
    if (excess > 0) share.revoked.push(...share.kept.splice(share.kept.length - excess, excess));
  }
  const taken = new Set(
    ids.flatMap((id) => [...(shares.get(id) as Share).kept, ...(shares.get(id) as Share).revoked]),
  );
  for (const key of existing) {
    if (taken.has(key)) continue;
    // A member below its fair share always exists: the shares add up to all existing work.
    let best: string | undefined;
    for (const id of ids) {
      const load = (shares.get(id) as Share).kept.length;
      if (load >= (target.get(id) as number)) continue;
      if (best === undefined) {
        best = id;
        continue;
      }
      const bestLoad = (shares.get(best) as Share).kept.length;
      if (load < bestLoad || (load === bestLoad && otherLoad(id) < otherLoad(best))) best = id;
    }
    if (best !== undefined) (shares.get(best) as Share).kept.push(key);
  }
  return shares;
}

function taskKey(t: TaskId): string {
  return `${t.connector}\u0000${t.task}`;
}

function parseTaskKey(key: string): TaskId {
  const i = key.lastIndexOf('\u0000');
  return { connector: key.slice(0, i), task: Number(key.slice(i + 1)) };
}
