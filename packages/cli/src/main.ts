#!/usr/bin/env node
import { CommandError, UsageError } from './cli-errors.js';
import { connectorsCommand, connectorsUsage } from './commands/connectors.js';
import { consumeCommand, consumeUsage } from './commands/consume.js';
import { loadCommand, loadUsage } from './commands/load.js';
import { produceCommand, produceUsage } from './commands/produce.js';
import { statusCommand, statusUsage } from './commands/status.js';
import { topicsCommand, topicsUsage } from './commands/topics.js';
import { downCommand, downUsage, upCommand, upUsage } from './commands/up.js';
import { verifyCommand, verifyUsage } from './commands/verify.js';

const usage = `Usage: msa-sync <command> [options]

Commands:
  up         start the local stack (Kafka broker...) or reuse what runs
  down       stop what \`up\` started
  status     what \`up\` started: pid, uptime, restarts, health
  topics     create, list, describe, alter, delete topics (kafka-topics.sh flags)
  produce    write stdin lines to a topic (kafka-console-producer.sh flags)
  consume    print a topic's records (kafka-console-consumer.sh flags)
  connect    run a Connect worker: msa-sync connect <connect-distributed.properties>, or
             msa-sync connect --standalone <worker.properties> [connector files...]
  connectors list, status, create, pause, resume, restart, delete connectors over REST
  load       drive orders through the gateway; latency histogram and a file of acknowledged orders
  verify     check the shared database against a load run: lost, duplicated, stock

Run \`msa-sync <command> --help\` for a command's options.`;

const out = (line: string) => {
  process.stdout.write(`${line}\n`);
};
const err = (line: string) => {
  process.stderr.write(`${line}\n`);
};

const usages: Record<string, string> = {
  up: upUsage,
  down: downUsage,
  status: statusUsage,
  topics: topicsUsage,
  produce: produceUsage,
  consume: consumeUsage,
  connectors: connectorsUsage,
  load: loadUsage,
  verify: verifyUsage,
};

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'up':
        await upCommand(rest, out);
        return 0;
      case 'down':
        await downCommand(rest, out);
        return 0;
      case 'status':
        await statusCommand(rest, out);
        return 0;
      case 'topics':
        await topicsCommand(rest, out);
        return 0;
      case 'produce':
        await produceCommand(rest, process.stdin, out, err);
        return 0;
      case 'consume': {
        const abort = new AbortController();
        process.once('SIGINT', () => abort.abort());
        process.once('SIGTERM', () => abort.abort());
        await consumeCommand(rest, out, err, abort.signal);
        return 0;
      }
      case 'connect': {
        // Loaded only here: the worker's modules (REST server, drivers) would slow every other command.
        const { runConnectWorker } = await import('@msa-sync/connect');
        return await runConnectWorker(rest);
      }
      case 'connectors':
        await connectorsCommand(rest, process.stdin, out);
        return 0;
      case 'load': {
        // Ctrl-C stops sending; what is in flight finishes and the acked file is completed.
        const abort = new AbortController();
        process.once('SIGINT', () => abort.abort());
        process.once('SIGTERM', () => abort.abort());
        await loadCommand(rest, out, process.stderr, abort.signal);
        return 0;
      }
      case 'verify':
        return await verifyCommand(rest, out);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`msa-sync: ${error.message}\n`);
      err((command && usages[command]) || usage);
      return 2;
    }
    err(error instanceof CommandError ? error.message : `msa-sync: ${(error as Error).stack ?? error}`);
    return 1;
  }
}

// Piping into `head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

/**
 * Resolves once what was written to the stream has left the process. Writes to a pipe whose reader
 * is slower than us queue in the process; `process.exit()` drops that queue, and with it the end of
 * a consumer's output (seen: 6,397 of 10,000 records reached a busy reader). A stream's write
 * callbacks run in order, so an empty write's runs after everything before it.
 */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) return resolve();
    stream.write('', () => resolve());
  });
}

process.exitCode = await run(process.argv.slice(2));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Client sockets may linger for a moment after close; the command's work is done.
setTimeout(() => process.exit(), 50).unref();
