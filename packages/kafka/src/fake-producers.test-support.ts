import type { OutgoingMessage, RawProducer } from './clients.js';

/**
 * Transactional producers without a broker, for SequencedProducer's unit tests: each transaction's
 * messages, the time it began and its outcome are recorded; every message goes to partition 0 of
 * its topic; `failNext` makes the next transaction's send fail. `created` counts the producers
 * made (a failure replaces the producer).
 */
export function fakeProducers() {
  const transactions: { values: string[]; beganAt: number; outcome: 'committed' | 'failed' | 'open' }[] = [];
  const state = { failNext: 0, created: 0 };
  const create = (): RawProducer => {
    state.created++;
    let current: { completed: boolean; abort(): Promise<void> } | undefined;
    const producer = {
      get transaction() {
        return current;
      },
      async beginTransaction() {
        const record: (typeof transactions)[number] = { values: [], beganAt: Date.now(), outcome: 'open' };
        transactions.push(record);
        const transaction = {
          completed: false,
          async send({ messages }: { messages: OutgoingMessage[] }) {
            record.values.push(...messages.map((m) => String(m.value)));
            if (state.failNext > 0) {
              state.failNext--;
              record.outcome = 'failed';
              throw new Error('broker gone');
            }
            return {
              offsets: [...new Set(messages.map((m) => m.topic))].map((topic) => ({ topic, partition: 0 })),
            };
          },
          async commit() {
            record.outcome = 'committed';
            transaction.completed = true;
          },
          async abort() {
            transaction.completed = true;
          },
        };
        current = transaction;
        return transaction;
      },
      close(_force?: boolean, callback?: () => void) {
        callback?.();
        return Promise.resolve();
      },
    };
    return producer as unknown as RawProducer;
  };
  return { transactions, state, create };
}
