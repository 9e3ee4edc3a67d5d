// What `msa-sync topics` and `consume` do, for other programs (the operator console).
export { listTopics, type TopicDetail, topicDetails, validateTopicName } from '../commands/topics.js';
export { kafkaTopicId, withAdmin } from '../kafka-session.js';
export {
  type PartitionRead,
  type PartitionReadOptions,
  partitionOffsets,
  type RawRecord,
  type ReadStart,
  readPartitionRecords,
  startOffset,
} from '../partition-records.js';
