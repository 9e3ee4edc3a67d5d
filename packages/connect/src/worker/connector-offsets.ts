import {
  type Admin,
  type ClientSettings,
  hasProtocolError,
  type KafkaClients,
  kafkaClients,
} from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { ConnectorPlugin } from '../api/connector.js';
import type { ConnectorOffsets } from '../entities.js';
import { badRequest, ConnectError } from '../errors/connect-error.js';
import type { ConnectorOffsetBackingStore } from '../storage/connector-offset-store.js';
import { parseSinkConnectorOffsets } from './sink-connector-offsets.js';

/**
 * The offsets API in either mode: a sink's offsets are its consumer group `connect-<name>`, a
 * source's are in its offset store (the worker's topic or standalone's file, and a connector's own
 * offsets.storage.topic first when it has one).
 */
export interface OffsetsContext {
  client: ClientSettings;
  /** Builds the admin client; default the real one. */
  clients?: KafkaClients;
  logger: Logger;
  /** Opens the store a source connector with this config reads; closed after each use. */
  sourceOffsets: (config: Record<string, string>) => Promise<ConnectorOffsetBackingStore>;
  /** How long a sink's group may keep members after the stop before the change is refused (ms). */
  groupLeaveTimeoutMs?: number;
}

/**
 * The broker's answers while the group still has members: a connector reads STOPPED as soon as its
 * task count is zero in the config topic, but each worker stops its tasks (and their consumers
 * leave `connect-<name>`) only after the rebalance that follows, about a second later. Apache
 * answers 500 and asks the operator to retry; we retry for them while the tasks leave, and answer
 * Apache's 500 only if the group keeps members (a zombie task) past the timeout.
 */
const GROUP_HAS_MEMBERS = ['UNKNOWN_MEMBER_ID', 'GROUP_SUBSCRIBED_TO_TOPIC', 'NON_EMPTY_GROUP'];
const DEFAULT_GROUP_LEAVE_TIMEOUT_MS = 20_000;

export function groupHasMembers(error: unknown): boolean {
  return GROUP_HAS_MEMBERS.some((id) => hasProtocolError(error, id));
}

export async function retryWhileGroupHasMembers<T>(
  work: () => Promise<T>,
  timeoutMs: number,
  logger: Logger,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!groupHasMembers(error) || Date.now() + intervalMs > deadline) throw error;
      logger.info('sink tasks are still leaving their consumer group; retrying the offsets change');
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

async function withSourceOffsets<T>(
  ctx: OffsetsContext,
  config: Record<string, string>,
  use: (store: ConnectorOffsetBackingStore) => Promise<T>,
): Promise<T> {
  const store = await ctx.sourceOffsets(config);
  try {
    return await use(store);
  } finally {
    await store
      .close()
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'offsets store close failed'));
  }
}

/**
 * A short-lived admin client whose stray 'error' events are logged, never left unheard. Strict: a
 * call with the wrong options shape rejects (a 500 here) instead of throwing inside a socket
 * callback, which once ended the worker and now would leave the request hanging (issue 14).
 */
export function openAdmin(client: ClientSettings, logger: Logger, clients = kafkaClients): Admin {
  const admin = clients.createAdmin({ ...client, clientId: `${client.clientId}-admin`, strict: true });
  admin.on('error', (error: unknown) => logger.warn({ err: error }, 'admin client error'));
  return admin;
}

async function withAdmin<T>(ctx: OffsetsContext, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = openAdmin(ctx.client, ctx.logger, ctx.clients);
  try {
    return await work(admin);
  } finally {
    await admin.close().catch(() => {});
  }
}

export async function readConnectorOffsets(
  ctx: OffsetsContext,
  name: string,
  config: Record<string, string>,
  plugin: ConnectorPlugin | undefined,
): Promise<ConnectorOffsets> {
  if (plugin?.type !== 'sink') {
    return withSourceOffsets(ctx, config, async (store) => {
      await store.refresh();
      return { offsets: store.list(name) };
    });
  }
  return withAdmin(ctx, async (admin) => {
    const groups = await admin
      .listConsumerGroupOffsets({ groups: [`connect-${name}`] })
      .catch((error: unknown) => {
        throw serverError(ctx, error, `Failed to retrieve consumer group offsets for sink connector ${name}`);
      });
    return {
      offsets: (groups[0]?.topics ?? []).flatMap((topic) =>
        topic.partitions
          .filter((p) => p.committedOffset >= 0n)
          .map((p) => ({
            partition: { kafka_topic: topic.name, kafka_partition: p.partitionIndex },
            offset: { kafka_offset: Number(p.committedOffset) },
          })),
      ),
    };
  });
}

/** On a STOPPED connector (the caller checks). */
export async function alterConnectorOffsets(
  ctx: OffsetsContext,
  name: string,
  config: Record<string, string>,
  plugin: ConnectorPlugin | undefined,
  offsets: ConnectorOffsets,
): Promise<string> {
  try {
    await plugin?.alterOffsets?.(config, offsets.offsets);
  } catch (error) {
    // As Connect: whatever the connector refuses is the caller's mistake.
    if (error instanceof ConnectError) throw error;
    throw badRequest(`Failed to alter offsets for connector ${name}: ${(error as Error).message}`);
  }
  if (plugin?.type === 'sink') {
    // Every entry is checked before anything is sent: a bad one changes nothing.
    const changes = parseSinkConnectorOffsets(offsets.offsets);
    const groupId = `connect-${name}`;
    await withAdmin(ctx, async (admin) => {
      try {
        if (changes.alter.length > 0) {
          await retryWhileGroupHasMembers(
            () => admin.alterConsumerGroupOffsets({ groupId, topics: changes.alter }),
            ctx.groupLeaveTimeoutMs ?? DEFAULT_GROUP_LEAVE_TIMEOUT_MS,
            ctx.logger,
          );
        }
        if (changes.remove.length > 0) {
          await retryWhileGroupHasMembers(
            () => admin.deleteConsumerGroupOffsets({ groupId, topics: changes.remove }),
            ctx.groupLeaveTimeoutMs ?? DEFAULT_GROUP_LEAVE_TIMEOUT_MS,
            ctx.logger,
          ).catch((error: unknown) => {
            // A group that never committed has nothing to remove: the caller gets what it asked
            // for (Apache answers 500 here; we keep removal idempotent, like the reset).
            if (!isGroupNotFound(error)) throw error;
          });
        }
      } catch (error) {
        // Apache's Worker.alterSinkConnectorOffsets messages: a group with members (a task that
        // never stopped, or the connector resumed meanwhile) refuses commits from outside it.
        throw serverError(
          ctx,
          error,
          groupHasMembers(error)
            ? `Failed to alter consumer group offsets for connector ${name} ${STILL_RUNNING('alter')}`
            : `Failed to alter consumer group offsets for connector ${name}`,
        );
      }
    });
  } else {
    await withSourceOffsets(ctx, config, (store) =>
      store.set(
        name,
        offsets.offsets.map(({ partition, offset }) => ({ partition, offset })),
      ),
    );
  }
  return 'The offsets for this connector have been altered successfully';
}

/** On a STOPPED connector (the caller checks). */
export async function resetConnectorOffsets(
  ctx: OffsetsContext,
  name: string,
  config: Record<string, string>,
  plugin: ConnectorPlugin | undefined,
): Promise<string> {
  if (plugin?.type === 'sink') {
    await withAdmin(ctx, (admin) =>
      retryWhileGroupHasMembers(
        () => admin.deleteGroups({ groups: [`connect-${name}`] }),
        ctx.groupLeaveTimeoutMs ?? DEFAULT_GROUP_LEAVE_TIMEOUT_MS,
        ctx.logger,
      ).catch((error: unknown) => {
        // A group that never committed does not exist: nothing to reset.
        if (isGroupNotFound(error)) return;
        throw serverError(
          ctx,
          error,
          hasProtocolError(error, 'NON_EMPTY_GROUP')
            ? `Failed to reset consumer group offsets for connector ${name} ${STILL_RUNNING('reset')}`
            : `Failed to reset consumer group offsets for sink connector ${name}`,
        );
      }),
    );
  } else {
    await withSourceOffsets(ctx, config, async (store) => {
      await store.refresh();
      await store.set(
        name,
        store.list(name).map(({ partition }) => ({ partition, offset: null })),
      );
    });
  }
  return 'The offsets for this connector have been reset successfully';
}

/** Apache's advice when the group still has members (its words, so operators find it). */
const STILL_RUNNING = (verb: 'alter' | 'reset') =>
  `either because its tasks haven't stopped completely yet or the connector was resumed before the request to ${verb} its offsets could be successfully completed. If the connector is in a stopped state, this operation can be safely retried. If it doesn't eventually succeed, the Connect cluster may need to be restarted to get rid of the zombie sink tasks.`;

/**
 * The broker's or the client's failure as Connect answers it: 500 with Connect's message, the
 * cause in the worker's log (never in the answer, which may reach anyone).
 */
function serverError(ctx: OffsetsContext, error: unknown, message: string): ConnectError {
  if (error instanceof ConnectError) return error;
  ctx.logger.error({ err: error }, message);
  return new ConnectError('INTERNAL', message, { cause: error });
}

/** The group never committed (or was deleted): nothing to read, alter away or reset. */
function isGroupNotFound(error: unknown): boolean {
  return hasProtocolError(error, 'GROUP_ID_NOT_FOUND');
}
