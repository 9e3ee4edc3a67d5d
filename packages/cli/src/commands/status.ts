import { type ProcessStatus, stackPaths, stackStatus } from '@msa-sync/stack';
import { parseFlags } from '../cli-args.js';
import { CommandError } from '../cli-errors.js';

export const statusUsage = `Usage: msa-sync status [--json]
  Shows each process \`msa-sync up\` started: its pid, uptime, how often its keeper restarted it,
  its state (running, restarting, crash-loop, failed, stopped, not running) and whether it serves
  (the broker answers, the worker lists connectors, a service is UP in the gateway's registry).
  Exits with 1 when any of them is not running and healthy.
  --json   one JSON array instead of the table`;

export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${String(h % 24).padStart(2, '0')}h`;
}

function lastExit(status: ProcessStatus): string {
  const exit = status.lastExit;
  if (!exit) return '';
  return `last exit: ${exit.signal ?? `status ${exit.code}`} at ${exit.at}`;
}

export function formatStatus(rows: ProcessStatus[]): string[] {
  const table = [
    ['PROCESS', 'WHERE', 'PID', 'STATE', 'UPTIME', 'RESTARTS', 'HEALTH', ''],
    ...rows.map((r) => [
      r.name,
      r.where,
      r.pid === undefined ? '-' : String(r.pid),
      r.state,
      r.uptimeMs === undefined ? '-' : formatUptime(r.uptimeMs),
      String(r.restarts),
      r.healthy ? 'ok' : 'DOWN',
      lastExit(r),
    ]),
  ];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
  return table.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export async function statusCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseFlags(argv, { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } });
  if (values.help) return out(statusUsage);
  const rows = await stackStatus(stackPaths());
  if (values.json) out(JSON.stringify(rows, null, 2));
  else for (const line of formatStatus(rows)) out(line);
  const bad = rows.filter((r) => r.state !== 'running' || !r.healthy);
  if (bad.length > 0) {
    throw new CommandError(
      `${bad.length} of ${rows.length} not running and healthy: ${bad.map((r) => r.name).join(', ')}`,
    );
  }
}
