/**
 * Kafka's group membership protocol at the request level, for members that are not consumers
 * (the Connect worker group assigns connectors and tasks, not partitions).
 */
export {
  Connection,
  findCoordinatorV6,
  heartbeatV4,
  joinGroupV9,
  leaveGroupV5,
  syncGroupV5,
} from '@platformatic/kafka';
