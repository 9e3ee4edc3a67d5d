import type { Logger } from 'pino';

/**
 * The worker process's last line of defence. Every client, socket and task is meant to handle its
 * own failures; one that escapes anyway (an 'error' event nobody listened to, a rejected promise
 * nobody awaited) would otherwise end the process and stop every connector on it, the REST API
 * with them. Node's default for both is to exit; here it is logged with its stack and the worker
 * keeps serving: the component that failed is already broken or retries on its own, and the rest
 * (other connectors, REST) are unaffected. Returns a function that removes the handlers.
 */
export function installLastResortHandlers(logger: Logger): () => void {
  const onException = (error: unknown, origin: string) => {
    logger.error({ err: error, origin }, 'Uncaught exception; the worker keeps running');
  };
  const onRejection = (reason: unknown) => {
    logger.error({ err: reason }, 'Unhandled promise rejection; the worker keeps running');
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
