import { readFileSync } from 'node:fs';
import { parseFlags } from '../cli-args.js';
import { CommandError, UsageError } from '../cli-errors.js';

export const connectorsUsage = `Usage: msa-sync connectors <action> [name] [options]
  Drives a Kafka Connect REST API (msa-sync's worker or Apache's) like the seed's curl lines.
  list                         connector names (--expand status|info for details)
  status <name>                connector and task states
  config <name>                the connector's config
  create <file.json | ->       POST /connectors with {"name":..., "config":{...}}
  delete <name>
  pause <name> | resume <name> | stop <name>
  restart <name> [--include-tasks] [--only-failed]
  offsets <name>
  --connect-url <url>          default $MSA_CONNECT_URL or http://127.0.0.1:8083`;

const options = {
  'connect-url': { type: 'string' },
  expand: { type: 'string', multiple: true },
  'include-tasks': { type: 'boolean' },
  'only-failed': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function connectorsCommand(
  argv: string[],
  input: NodeJS.ReadableStream,
  out: (line: string) => void,
): Promise<void> {
  const [action, name, ...rest] = argv;
  if (!action || action === '--help' || action === '-h') return out(connectorsUsage);
  const flagArgs = name?.startsWith('--') ? [name, ...rest] : rest;
  const target = name?.startsWith('--') ? undefined : name;
  const { values } = parseFlags(flagArgs, options);
  const base = (values['connect-url'] ?? process.env.MSA_CONNECT_URL ?? 'http://127.0.0.1:8083').replace(
    /\/$/,
    '',
  );
  const needName = (what: string) => {
    if (!target) throw new UsageError(`connectors ${what} needs a connector name`);
    return encodeURIComponent(target);
  };
  const call = async (method: string, path: string, body?: string) => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      throw new CommandError(
        `Cannot reach the Connect REST API at ${base}: ${(error as Error).message}. Is a worker running (npm start)?`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON
      }
      throw new CommandError(`${method} ${path} failed with ${response.status}: ${message}`);
    }
    if (text) out(JSON.stringify(JSON.parse(text), null, 2));
  };
  switch (action) {
    case 'list': {
      const expand = (values.expand ?? []).map((e) => `expand=${encodeURIComponent(e)}`).join('&');
      return call('GET', `/connectors${expand ? `?${expand}` : ''}`);
    }
    case 'status':
      return call('GET', `/connectors/${needName('status')}/status`);
    case 'config':
      return call('GET', `/connectors/${needName('config')}/config`);
    case 'offsets':
      return call('GET', `/connectors/${needName('offsets')}/offsets`);
    case 'create': {
      if (!target) throw new UsageError('connectors create needs a JSON file (or - for standard input)');
      const text = target === '-' ? await readAll(input) : readFileSync(target, 'utf8');
      try {
        JSON.parse(text);
      } catch (error) {
        throw new CommandError(`${target} is not JSON: ${(error as Error).message}`);
      }
      return call('POST', '/connectors', text);
    }
    case 'delete':
      return call('DELETE', `/connectors/${needName('delete')}`);
    case 'pause':
    case 'resume':
    case 'stop':
      return call('PUT', `/connectors/${needName(action)}/${action}`);
    case 'restart': {
      const query = `includeTasks=${values['include-tasks'] === true}&onlyFailed=${values['only-failed'] === true}`;
      return call('POST', `/connectors/${needName('restart')}/restart?${query}`);
    }
    default:
      throw new UsageError(`Unknown connectors action '${action}'`);
  }
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
