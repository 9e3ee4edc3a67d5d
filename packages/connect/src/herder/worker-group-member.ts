import {
  Connection,
  findCoordinatorV6,
  heartbeatV4,
  joinGroupV9,
  leaveGroupV5,
  syncGroupV5,
} from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { MemberInfo, WorkerAssignment } from './assignor.js';

/** Kafka protocol error codes this member reacts to. */
const Errors = {
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  MEMBER_ID_REQUIRED: 79,
} as const;

const PROTOCOL_TYPE = 'connect';
const PROTOCOL_NAME = 'msa-sync-v1';

export interface WorkerGroupMemberOptions {
  groupId: string;
  bootstrapServers: readonly string[];
  clientId: string;
  workerId: string;
  url: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  logger: Logger;
  /** Leader only: decide who runs what. */
  assign(
    members: MemberInfo[],
    generation: number,
    leader: MemberInfo,
  ): Promise<Map<string, WorkerAssignment>>;
  /** A rebalance is starting: stop all work (eager protocol) before rejoining. */
  onRevoke(): Promise<void>;
  /** The rebalance ended with this assignment for us. */
  onAssignment(assignment: WorkerAssignment): Promise<void>;
}

/**
 * Membership of the worker group, spoken directly in Kafka's group protocol (JoinGroup /
 * SyncGroup / Heartbeat) with protocol type "connect", as Connect's WorkerGroupMember does: the
 * broker's group coordinator detects dead workers (session timeout) and the elected leader hands
 * out connectors and tasks in an opaque assignment.
 */
export class WorkerGroupMember {
  readonly #o: WorkerGroupMemberOptions;
  readonly #log: Logger;
  #memberId = '';
  #generation = -1;
  #coordinator: Connection | undefined;
  #running = false;
  #rejoinRequested = false;
  #wakeHeartbeat: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #leader = false;

  constructor(options: WorkerGroupMemberOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'group-member', group: options.groupId });
  }

  get memberId(): string {
    return this.#memberId;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Ask for a new rebalance (the leader does this when connectors or task sets change). */
  requestRejoin(): void {
    this.#rejoinRequested = true;
    this.#wakeHeartbeat?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wakeHeartbeat?.();
    await this.#loop?.catch(() => {});
    if (this.#coordinator && this.#memberId) {
      try {
        await leaveGroupV5.api.async(this.#coordinator, this.#o.groupId, [
          { memberId: this.#memberId, groupInstanceId: null, reason: 'worker stopping' },
        ]);
      } catch (error) {
        this.#log.debug({ err: error }, 'leave group failed');
      }
    }
    await this.#closeCoordinator();
  }

  async #run(): Promise<void> {
    let backoff = 200;
    while (this.#running) {
      try {
        await this.#joinAndSync();
        backoff = 200;
        await this.#heartbeatUntilRebalance();
      } catch (error) {
        if (!this.#running) return;
        const code = errorCode(error);
        if (code === Errors.UNKNOWN_MEMBER_ID) this.#memberId = '';
        if (
          code === Errors.NOT_COORDINATOR ||
          code === Errors.COORDINATOR_NOT_AVAILABLE ||
          code === Errors.COORDINATOR_LOAD_IN_PROGRESS ||
          code === undefined
        ) {
          await this.#closeCoordinator();
        }
        if (
          code !== Errors.REBALANCE_IN_PROGRESS &&
          code !== Errors.ILLEGAL_GENERATION &&
          code !== Errors.UNKNOWN_MEMBER_ID
        ) {
          this.#log.warn({ err: error, code }, 'group membership error; retrying');
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 5000);
        }
      }
      if (this.#running) await this.#o.onRevoke();
    }
  }

  async #joinAndSync(): Promise<void> {
    const coordinator = await this.#ensureCoordinator();
    const metadata = Buffer.from(JSON.stringify({ workerId: this.#o.workerId, url: this.#o.url }));
    let join: Awaited<ReturnType<typeof joinGroupV9.api.async>>;
    for (;;) {
      try {
        join = await joinGroupV9.api.async(
          coordinator,
          this.#o.groupId,
          this.#o.sessionTimeoutMs,
          this.#o.rebalanceTimeoutMs,
          this.#memberId,
          null,
          PROTOCOL_TYPE,
          [{ name: PROTOCOL_NAME, metadata }],
          this.#rejoinRequested ? 'assignment needs to change' : null,
        );
        break;
      } catch (error) {
        // A first join only gets a member id, which must be sent back in a second join.
        if (errorCode(error) === Errors.MEMBER_ID_REQUIRED) {
          this.#memberId = (error as { response?: { memberId?: string } }).response?.memberId ?? '';
          continue;
        }
        throw error;
      }
    }
    this.#rejoinRequested = false;
    this.#memberId = join.memberId ?? this.#memberId;
    this.#generation = join.generationId;
    this.#leader = join.leader === this.#memberId;
    let assignments: { memberId: string; assignment: Buffer }[] = [];
    if (this.#leader) {
      const members: MemberInfo[] = join.members.map((m) => {
        const info = JSON.parse((m.metadata ?? Buffer.from('{}')).toString('utf8')) as {
          workerId?: string;
          url?: string;
        };
        return { memberId: m.memberId, workerId: info.workerId ?? m.memberId, url: info.url ?? '' };
      });
      const self = members.find((m) => m.memberId === this.#memberId) as MemberInfo;
      const decided = await this.#o.assign(members, this.#generation, self);
      assignments = [...decided].map(([memberId, a]) => ({
        memberId,
        assignment: Buffer.from(JSON.stringify(a)),
      }));
      this.#log.info({ generation: this.#generation, members: members.length }, 'leader assigned work');
    }
    const sync = await syncGroupV5.api.async(
      coordinator,
      this.#o.groupId,
      this.#generation,
      this.#memberId,
      null,
      PROTOCOL_TYPE,
      PROTOCOL_NAME,
      assignments,
    );
    const assignment = JSON.parse(sync.assignment.toString('utf8') || '{}') as WorkerAssignment;
    this.#log.info(
      {
        generation: this.#generation,
        leader: this.#leader,
        connectors: assignment.connectors,
        tasks: assignment.tasks?.length,
      },
      'joined worker group',
    );
    await this.#o.onAssignment(assignment);
  }

  async #heartbeatUntilRebalance(): Promise<void> {
    while (this.#running && !this.#rejoinRequested) {
      await new Promise<void>((resolve) => {
        this.#wakeHeartbeat = resolve;
        setTimeout(resolve, this.#o.heartbeatIntervalMs);
      });
      this.#wakeHeartbeat = undefined;
      if (!this.#running || this.#rejoinRequested) return;
      const coordinator = await this.#ensureCoordinator();
      // REBALANCE_IN_PROGRESS / ILLEGAL_GENERATION throw: the caller revokes and rejoins.
      await heartbeatV4.api.async(coordinator, this.#o.groupId, this.#generation, this.#memberId, null);
    }
  }

  async #ensureCoordinator(): Promise<Connection> {
    if (this.#coordinator?.isConnected()) return this.#coordinator;
    await this.#closeCoordinator();
    const requestTimeout = this.#o.rebalanceTimeoutMs + 10_000;
    let lastError: unknown;
    for (const server of this.#o.bootstrapServers) {
      const i = server.lastIndexOf(':');
      const bootstrap = this.#connection(requestTimeout);
      try {
        await bootstrap.connect(server.slice(0, i).replace(/^\[|\]$/g, ''), Number(server.slice(i + 1)));
        const found = await findCoordinatorV6.api.async(bootstrap, 0, [this.#o.groupId]);
        const c = found.coordinators[0];
        if (c?.errorCode !== 0) {
          throw Object.assign(new Error(`no coordinator for ${this.#o.groupId} (error ${c?.errorCode})`), {
            kafkaCode: c?.errorCode,
          });
        }
        const coordinator = this.#connection(requestTimeout);
        await coordinator.connect(c.host, c.port);
        this.#coordinator = coordinator;
        return coordinator;
      } catch (error) {
        lastError = error;
      } finally {
        await bootstrap.close().catch(() => {});
      }
    }
    throw lastError ?? new Error('no bootstrap server');
  }

  /**
   * A connection of our own, outside the client's pool, so nobody else listens for its 'error'.
   * A broker killed mid-request resets the socket, and an unheard 'error' event ends the process
   * (a fault run's worker died so on Node 24). The failure reaches us anyway: the pending request
   * rejects, and the next #ensureCoordinator() sees the connection closed and opens another.
   */
  #connection(requestTimeout: number): Connection {
    const connection = new Connection(this.#o.clientId, { connectTimeout: 5000, requestTimeout });
    connection.on('error', (error: unknown) => this.#log.debug({ err: error }, 'group connection failed'));
    return connection;
  }

  async #closeCoordinator(): Promise<void> {
    const c = this.#coordinator;
    this.#coordinator = undefined;
    await c?.close().catch(() => {});
  }
}

/** The Kafka error code inside a client error, if it carries one. */
function errorCode(error: unknown): number | undefined {
  const e = error as {
    kafkaCode?: number;
    response?: { errorCode?: number };
    errors?: { apiCode?: number }[];
  };
  if (typeof e?.kafkaCode === 'number') return e.kafkaCode;
  if (typeof e?.response?.errorCode === 'number' && e.response.errorCode !== 0) return e.response.errorCode;
  const nested = e?.errors?.find((x) => typeof x?.apiCode === 'number');
  return nested?.apiCode;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
