/**
 * The committed transactions a producer may still have to send again: those whose commit markers
 * Kafka could have dropped on some partition, with no later commit of the same producer on that
 * partition to end them.
 *
 * Why: Apache Kafka 4.x's transaction coordinator skips the markers of a partition that has no
 * leader at the moment it sends them ("likely deleted already"), and a single broker's restart
 * makes every partition leaderless for a moment. The transaction's batch then hangs on that
 * partition, uncommitted, although the commit was acknowledged. The next marker the same
 * producer id writes there decides its fate: a commit makes it visible, an abort discards it,
 * an acknowledged order with it (docs/decisions/broker-restart-transactions.md). A later
 * successful commit on a partition is therefore the confirmation that everything this producer
 * committed there before is visible; until then, the records are kept here, and after any
 * failure (the case where an abort may have been written) they are sent again, for readers that
 * are idempotent by key.
 */
export class UnconfirmedCommits<M> {
  readonly #commits: { messages: M[]; partitions: Set<string> }[] = [];

  /** Records a committed transaction and what it confirms: earlier commits on the same partitions. */
  committed(messages: M[], partitions: Iterable<string>): void {
    const touched = new Set(partitions);
    for (const commit of this.#commits) for (const p of touched) commit.partitions.delete(p);
    for (let i = this.#commits.length - 1; i >= 0; i--) {
      if (this.#commits[i]?.partitions.size === 0) this.#commits.splice(i, 1);
    }
    if (messages.length > 0 && touched.size > 0) this.#commits.push({ messages, partitions: touched });
  }

  /** The records to send again, oldest first. */
  messages(): M[] {
    return this.#commits.flatMap((c) => c.messages);
  }

  /** Forgets everything: the records were sent again in a transaction that committed. */
  clear(): void {
    this.#commits.length = 0;
  }

  get size(): number {
    return this.#commits.length;
  }
}

/** `topic:partition` of every partition a produce result wrote to. */
export function writtenPartitions(result: { offsets?: { topic: string; partition: number }[] }): string[] {
  return (result.offsets ?? []).map((o) => `${o.topic}:${o.partition}`);
}
