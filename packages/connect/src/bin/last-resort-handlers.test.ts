import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { installLastResortHandlers } from './last-resort-handlers.js';

describe('installLastResortHandlers', () => {
  it('logs an uncaught exception and an unhandled rejection instead of ending the process', () => {
    const lines: { msg: string; err?: { message: string } }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const before = process.listenerCount('uncaughtException');
    const remove = installLastResortHandlers(logger);
    expect(process.listenerCount('uncaughtException')).toBe(before + 1);
    try {
      // what Node does with an error nobody caught: it calls these listeners instead of exiting
      for (const listener of process.listeners('uncaughtException').slice(before)) {
        listener(new Error('socket reset'), 'uncaughtException');
      }
      process.emit('unhandledRejection', new Error('nobody awaited'), Promise.resolve());
    } finally {
      remove();
    }
    expect(lines.map((l) => [l.msg, l.err?.message])).toEqual([
      ['Uncaught exception; the worker keeps running', 'socket reset'],
      ['Unhandled promise rejection; the worker keeps running', 'nobody awaited'],
    ]);
    expect(process.listenerCount('uncaughtException')).toBe(before);
  });
});
