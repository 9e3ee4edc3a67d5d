import type { FastifyReply, FastifyRequest } from 'fastify';

/** The names a loopback-bound worker answers to. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export interface HostCheckOptions {
  /** Extra names, e.g. `rest.advertised.host.name`. */
  names: readonly string[];
  /** Ports a Host header may carry besides the one the request arrived on (rest.advertised.port). */
  ports: readonly number[];
}

function splitHost(host: string): { name: string; port: number | undefined } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!match?.[1]) return undefined;
  return { name: match[1].toLowerCase(), port: match[2] === undefined ? undefined : Number(match[2]) };
}

/**
 * An onRequest hook against DNS rebinding: a web page on evil.example whose name later resolves to
 * 127.0.0.1 can make a browser call this worker, but the browser still sends `Host: evil.example`.
 * Only loopback names and the advertised name are served. The answer is 421 Misdirected Request:
 * the request reached a server that does not serve that authority, which is not a question of who
 * the caller is (403) and which a legitimate client fixes by using the right name.
 */
export function hostCheckHook(options: HostCheckOptions) {
  const names = new Set([...LOOPBACK_NAMES, ...options.names.map((n) => n.toLowerCase())]);
  return async function checkHost(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers.host;
    const host = header === undefined ? undefined : splitHost(header);
    const localPort = request.socket?.localPort;
    const portOk = host?.port === undefined || host.port === localPort || options.ports.includes(host.port);
    if (host && names.has(host.name) && portOk) return;
    return reply
      .code(421)
      .type('application/json')
      .send({
        error_code: 421,
        message: `Host header '${header ?? ''}' is not a name of this worker; a worker bound to loopback answers only to ${[...names].join(', ')} (add a name with rest.advertised.host.name)`,
      });
  };
}
