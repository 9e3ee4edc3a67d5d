import type { Admin, KafkaClients } from '@msa-sync/kafka';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { Connector, ConnectorPlugin } from '../api/connector.js';
import { ConfigDef } from '../config/config-def.js';
import { NotLeaderError } from '../errors/connect-error.js';
import type { WorkerOffsetStore } from '../storage/connector-offset-store.js';
import { MemoryConfigBackingStore } from '../storage/memory-config-store.js';
import { MemoryStatusBackingStore } from '../storage/memory-status-store.js';
import { PluginRegistry } from '../worker/plugins.js';
import { workerConfig } from '../worker/worker-config.js';
import type { MemberInfo, WorkerAssignment } from './assignor.js';
import { DistributedHerder, type GroupMembership } from './distributed-herder.js';
import type { WorkerGroupMemberOptions } from './worker-group-member.js';

/** A source connector that writes down its start and stop, and asks for no tasks. */
function plugin(events: string[]): ConnectorPlugin {
  return {
    className: 'test.Source',
    taskClassName: 'test.SourceTask',
    aliases: [],
    type: 'source',
    version: '1.0',
    configDef: new ConfigDef(),
    createConnector: (): Connector => {
      let name = '';
      return {
        version: () => '1.0',
        start: (config) => {
          name = config.name ?? '';
          events.push(`start ${name}`);
        },
        taskConfigs: () => [],
        stop: () => {
          events.push(`stop ${name}`);
        },
      };
    },
    createTask: () => {
      throw new Error('no task expected');
    },
  } as unknown as ConnectorPlugin;
}

/** The group membership as the herder sees it; the test plays the group coordinator. */
class FakeMembership implements GroupMembership {
  isLeader = false;
  options: WorkerGroupMemberOptions | undefined;
  constructor(readonly events: string[]) {}
  start(): void {
    this.events.push('join group');
  }
  async stop(): Promise<void> {
    this.events.push('leave group');
  }
  requestRejoin(): void {
    this.events.push('rejoin requested');
  }
  /** The rebalance ended with this assignment for this worker. */
  assigned(assignment: Partial<WorkerAssignment>): Promise<void> {
    return (this.options as WorkerGroupMemberOptions).onAssignment({
      generation: 1,
      leader: 'leader-member',
      leaderUrl: 'http://leader:8083',
      configOffset: '0',
      connectors: [],
      tasks: [],
      ...assignment,
    });
  }
}

function setup() {
  const events: string[] = [];
  /** Transactional ids claimed by fencing producers, in order. */
  const fenced: string[] = [];
  const membership = new FakeMembership(events);
  const configs = new MemoryConfigBackingStore();
  const statuses = new MemoryStatusBackingStore();
  const offsets = {
    topic: 'connect-offsets',
    start: async () => {},
    stop: async () => {},
    refresh: async () => {},
    get: () => null,
    list: () => [],
    set: async () => {},
  } as WorkerOffsetStore;
  // The internal topics exist; the cluster has an id.
  const admin = {
    on: () => {},
    listTopics: async () => ['connect-configs', 'connect-offsets', 'connect-status'],
    metadata: async () => ({ id: 'cluster-1' }),
    close: async () => {},
  };
  const herder = new DistributedHerder({
    config: workerConfig(new Map(), {}),
    plugins: new PluginRegistry([plugin(events)]),
    logger: pino({ level: 'silent' }),
    clients: {
      createAdmin: () => admin as unknown as Admin,
      createRawProducer: (settings: { transactionalId: string }) => ({
        beginTransaction: async () => {
          fenced.push(settings.transactionalId);
          return { cancel: async () => {} };
        },
        close: async () => {},
      }),
    } as unknown as KafkaClients,
    stores: { configs, offsets, statuses },
    groupMember: (options) => {
      membership.options = options;
      return membership;
    },
  });
  return { herder, membership, configs, statuses, events, fenced };
}

const connectorConfig = (name: string) => ({ name, 'connector.class': 'test.Source', 'tasks.max': '1' });

/** Starts the herder: it returns once the first rebalance gave this worker its assignment. */
async function started(t: ReturnType<typeof setup>, assignment: Partial<WorkerAssignment>): Promise<void> {
  const starting = t.herder.start();
  await vi.waitFor(() => expect(t.events).toContain('join group'));
  await t.membership.assigned(assignment);
  await starting;
}

describe('DistributedHerder (fake group membership, in-memory stores)', () => {
  it('runs the connectors of its assignment, and on stop stops them before it leaves the group', async () => {
    const t = setup();
    await t.configs.putConnectorConfig('orders', connectorConfig('orders'));
    await started(t, { connectors: ['orders'] });
    expect(t.events).toEqual(['join group', 'start orders']);
    expect(t.statuses.connector('orders')?.state).toBe('RUNNING');
    expect(t.herder.kafkaClusterId()).toBe('cluster-1');
    await t.herder.stop();
    // Leaving first would hand the work to another worker while it still runs here.
    expect(t.events.slice(2)).toEqual(['stop orders', 'leave group']);
  });

  it('stops work revoked by a cooperative rebalance, then rejoins so it can move', async () => {
    const t = setup();
    await t.configs.putConnectorConfig('a', connectorConfig('a'));
    await t.configs.putConnectorConfig('b', connectorConfig('b'));
    await started(t, { connectors: ['a', 'b'] });
    await t.membership.assigned({
      generation: 2,
      connectors: ['a'],
      revoked: { connectors: ['b'], tasks: [] },
    });
    expect(t.events.slice(-2)).toEqual(['stop b', 'rejoin requested']);
    expect(t.events.filter((e) => e === 'stop a')).toEqual([]);
    await t.herder.stop();
  });

  it('as leader, assigns every connector and rebalances when the set of connectors changes', async () => {
    const t = setup();
    t.membership.isLeader = true;
    await t.configs.putConnectorConfig('a', connectorConfig('a'));
    await t.configs.putConnectorConfig('b', connectorConfig('b'));
    const members: MemberInfo[] = [
      { memberId: 'm1', workerId: 'w1:8083', url: 'http://w1:8083', owned: { connectors: [], tasks: [] } },
      { memberId: 'm2', workerId: 'w2:8083', url: 'http://w2:8083', owned: { connectors: [], tasks: [] } },
    ];
    const assignments = await (t.membership.options as WorkerGroupMemberOptions).assign(
      members,
      1,
      members[0] as MemberInfo,
    );
    const assigned = [...assignments.values()].flatMap((a) => a.connectors).sort();
    expect(assigned).toEqual(['a', 'b']);
    expect([...assignments.values()].every((a) => a.leaderUrl === 'http://w1:8083')).toBe(true);
    await started(t, assignments.get('m1') as WorkerAssignment);
    expect(t.events).not.toContain('rejoin requested');
    await t.configs.putConnectorConfig('c', connectorConfig('c'));
    await vi.waitFor(() => expect(t.events).toContain('rejoin requested'));
    await t.herder.stop();
  });

  it('refuses a write that only the leader may make, naming the leader', async () => {
    const t = setup();
    await t.configs.putConnectorConfig('orders', connectorConfig('orders'));
    await started(t, { connectors: [] });
    const refused = await t.herder.stopConnector('orders').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NotLeaderError);
    expect((refused as NotLeaderError).leaderUrl).toBe('http://leader:8083');
    expect(t.configs.state.targetStates.get('orders')).not.toBe('STOPPED');
    await t.herder.stop();
  });

  describe('zombie fencing rounds of exactly-once sources', () => {
    const tasks = (n: number) => Array.from({ length: n }, (_, i) => ({ 'task.id': String(i) }));

    it('as leader, fences the previous task generation once a new task set is committed, then records it', async () => {
      const t = setup();
      t.membership.isLeader = true;
      await t.configs.putConnectorConfig('eos', connectorConfig('eos'));
      await started(t, { connectors: [] });
      await t.configs.putTaskConfigs('eos', tasks(2));
      // The first generation: nothing had a transactional producer yet.
      await vi.waitFor(() => expect(t.configs.state.taskCountRecord('eos')).toBe(2));
      expect(t.fenced).toEqual([]);
      await t.configs.putTaskConfigs('eos', tasks(1));
      await vi.waitFor(() => expect(t.configs.state.taskCountRecord('eos')).toBe(1));
      expect(t.fenced).toEqual(['connect-cluster-eos-0', 'connect-cluster-eos-1']);
      expect(t.configs.state.pendingFencing('eos')).toBe(false);
      await t.herder.stop();
    });

    it('leaves the round to the leader, and a new leader finishes it', async () => {
      const t = setup();
      await t.configs.putConnectorConfig('eos', connectorConfig('eos'));
      await started(t, { connectors: [] });
      await t.configs.putTaskConfigs('eos', tasks(3));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(t.configs.state.pendingFencing('eos')).toBe(true);
      // This worker becomes the leader at the next rebalance.
      t.membership.isLeader = true;
      await t.membership.assigned({ generation: 2 });
      await vi.waitFor(() => expect(t.configs.state.taskCountRecord('eos')).toBe(3));
      expect(t.fenced).toEqual([]);
      await t.herder.stop();
    });
  });
});
