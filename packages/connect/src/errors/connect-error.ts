/**
 * One catalogue of the errors the runtime raises on purpose. Each carries the HTTP status the REST
 * layer answers with (Connect's `{"error_code", "message"}` body) and whether a retry may succeed.
 */
export type ConnectErrorCode = 'NOT_FOUND' | 'ALREADY_EXISTS' | 'BAD_REQUEST' | 'NOT_LEADER' | 'INTERNAL';

const httpStatusByCode: Record<ConnectErrorCode, number> = {
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  BAD_REQUEST: 400,
  NOT_LEADER: 409,
  INTERNAL: 500,
};

const retriableCodes = new Set<ConnectErrorCode>(['NOT_LEADER']);

export class ConnectError extends Error {
  readonly code: ConnectErrorCode;
  readonly httpStatus: number;
  readonly retriable: boolean;

  constructor(code: ConnectErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectError';
    this.code = code;
    this.httpStatus = httpStatusByCode[code];
    this.retriable = retriableCodes.has(code);
  }
}

export const notFound = (message: string) => new ConnectError('NOT_FOUND', message);
export const alreadyExists = (message: string) => new ConnectError('ALREADY_EXISTS', message);
export const badRequest = (message: string) => new ConnectError('BAD_REQUEST', message);

export function connectorNotFound(name: string): ConnectError {
  return notFound(`Connector ${name} not found`);
}

/** Raised by a follower for requests only the leader may serve; carries where to forward. */
export class NotLeaderError extends ConnectError {
  readonly leaderUrl: string | undefined;
  constructor(message: string, leaderUrl: string | undefined) {
    super('NOT_LEADER', message);
    this.leaderUrl = leaderUrl;
  }
}
