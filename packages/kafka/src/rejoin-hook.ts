import type { RawConsumer } from './clients.js';

/**
 * Runs `prepare` each time the consumer is about to (re)join its group while it holds partitions,
 * and sends the JoinGroup only once `prepare` called `proceed` (the Java client's
 * onPartitionsRevoked). The hook is our patch to the client (patches/@platformatic+kafka*.patch):
 * the broker completes a join only once every member joined, so what a member commits here is
 * what the partitions' next owners read.
 */
export function setBeforeRejoin(consumer: RawConsumer, prepare: (proceed: () => void) => void): void {
  (consumer as unknown as { beforeRejoin?: (proceed: () => void) => void }).beforeRejoin = prepare;
}
