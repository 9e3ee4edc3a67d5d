import {
  Connection,
  KafkaErrorCodes as Errors,
  kafkaErrorCode as errorCode,
  findCoordinatorV6,
  heartbeatV4,
  joinGroupV9,
  leaveGroupV5,
  syncGroupV5,
} from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { MemberInfo, WorkerAssignment, WorkSet } from './assignor.js';

const PROTOCOL_TYPE = 'connect';
/**
 * One group protocol per rebalance protocol, each with its own metadata and assignment format. A
 * worker offers only its own, so the broker refuses (INCONSISTENT_GROUP_PROTOCOL) a worker that
 * speaks the other one instead of letting an eager and a cooperative member share work: an eager
 * leader would hand out tasks that cooperative members still run.
 */
export const PROTOCOL_NAMES = { eager: 'msa-sync-v1', cooperative: 'msa-sync-v2' } as const;

export type RebalanceProtocol = keyof typeof PROTOCOL_NAMES;

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
  /** `connect.protocol`: eager (stop everything at each rebalance) or cooperative (incremental). */
  protocol: RebalanceProtocol;
  /** Cooperative: what this worker runs now, reported to the leader as it joins. */
  owned(): WorkSet;
  /** Leader only: decide who runs what. */
  assign(
    members: MemberInfo[],
    generation: number,
    leader: MemberInfo,
  ): Promise<Map<string, WorkerAssignment>>;
  /**
   * Stop all work before rejoining: at every rebalance with the eager protocol; with the
   * cooperative one only when membership was lost (evicted after session.timeout.ms, a stale
   * generation, the coordinator gone), since the group may already have handed the work out.
   */
  onRevoke(): Promise<void>;
  /** This worker can never join the group (it speaks another protocol); membership has ended. */
  onFatal(error: Error): void;
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
      let outcome: number | 'rejoin' = 'rejoin';
      try {
        await this.#joinAndSync();
        backoff = 200;
        await this.#heartbeatUntilRebalance();
      } catch (error) {
        if (!this.#running) return;
        const code = errorCode(error);
        outcome = code ?? -1;
        if (code === Errors.INCONSISTENT_GROUP_PROTOCOL) {
          // Fatal, as in Apache's coordinator: this worker cannot share work with that group.
          const message = `The worker group ${this.#o.groupId} speaks another rebalance protocol than ${PROTOCOL_NAMES[this.#o.protocol]} (connect.protocol=${this.#o.protocol === 'eager' ? 'eager' : 'sessioned'}): all workers of a group need the same msa-sync version and connect.protocol`;
          this.#log.error({ protocol: PROTOCOL_NAMES[this.#o.protocol] }, message);
          this.#running = false;
          // Only a worker evicted while the whole group switched could get here after its
          // first join: whatever it still runs is someone else's now.
          await this.#o.onRevoke();
          this.#o.onFatal(new Error(message));
          return;
        }
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
      if (this.#running && mustStopAll(this.#o.protocol, outcome)) await this.#o.onRevoke();
    }
  }

  async #joinAndSync(): Promise<void> {
    const coordinator = await this.#ensureCoordinator();
    const protocolName = PROTOCOL_NAMES[this.#o.protocol];
    const metadata = Buffer.from(
      JSON.stringify(
        this.#o.protocol === 'eager'
          ? { workerId: this.#o.workerId, url: this.#o.url }
          : { version: 2, workerId: this.#o.workerId, url: this.#o.url, owned: this.#o.owned() },
      ),
    );
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
          [{ name: protocolName, metadata }],
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
          owned?: WorkSet;
        };
        return {
          memberId: m.memberId,
          workerId: info.workerId ?? m.memberId,
          url: info.url ?? '',
          ...(info.owned ? { owned: info.owned } : {}),
        };
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
      protocolName,
      assignments,
    );
    const assignment = JSON.parse(sync.assignment.toString('utf8') || '{}') as WorkerAssignment;
    this.#log.info(
      {
        generation: this.#generation,
        leader: this.#leader,
        connectors: assignment.connectors,
        tasks: assignment.tasks?.length,
        ...(assignment.revoked ? { revoked: assignment.revoked } : {}),
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
      const bootstrap = new Connection(this.#o.clientId, { connectTimeout: 5000, requestTimeout });
      // A raw connection emits 'error' on a socket reset; unheard, that ends the process. The
      // pending request fails on its own, and the loop below tries the next server.
      bootstrap.on('error', (error: unknown) =>
        this.#log.debug({ err: error, server }, 'bootstrap connection error'),
      );
      try {
        await bootstrap.connect(server.slice(0, i).replace(/^\[|\]$/g, ''), Number(server.slice(i + 1)));
        const found = await findCoordinatorV6.api.async(bootstrap, 0, [this.#o.groupId]);
        const c = found.coordinators[0];
        if (c?.errorCode !== 0) {
          throw Object.assign(new Error(`no coordinator for ${this.#o.groupId} (error ${c?.errorCode})`), {
            kafkaCode: c?.errorCode,
          });
        }
        const coordinator = new Connection(this.#o.clientId, { connectTimeout: 5000, requestTimeout });
        coordinator.on('error', (error: unknown) => {
          // The in-flight join/sync/heartbeat fails with it; the membership loop then finds the
          // coordinator again. Waking the heartbeat makes a quiet member notice at once.
          this.#log.warn({ err: error }, 'group coordinator connection error');
          if (this.#coordinator === coordinator) this.#wakeHeartbeat?.();
        });
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

  async #closeCoordinator(): Promise<void> {
    const c = this.#coordinator;
    this.#coordinator = undefined;
    await c?.close().catch(() => {});
  }
}

/**
 * Whether a member stops all its work before rejoining, given why it rejoins: a rejoin it asked
 * for, or the Kafka error code that ended its membership loop (-1: no code, a network error).
 * Eager: always. Cooperative: only when the member may no longer be in the group, since then the
 * leader may already have handed its work to others; a rebalance it is part of
 * (REBALANCE_IN_PROGRESS) keeps it.
 */
export function mustStopAll(protocol: RebalanceProtocol, outcome: number | 'rejoin'): boolean {
  if (protocol === 'eager') return true;
  return outcome !== 'rejoin' && outcome !== Errors.REBALANCE_IN_PROGRESS;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
