/**
 * Runs herder reactions one at a time, in arrival order, so that rebalances, config changes and
 * restarts never interleave on the same connector.
 */
export class RequestQueue {
  #tail: Promise<void> = Promise.resolve();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.then(
      () => undefined,
      (error: unknown) => this.#onError(error),
    );
    return result;
  }
}
