import type { Admin } from '@platformatic/kafka';
import {
  type AdminSettings,
  type ConsumerSettings,
  createAdmin,
  createConsumer,
  createProducer,
  createRawProducer,
  type KafkaProducer,
  type ProducerSettings,
  type RawConsumer,
  type RawProducer,
} from './clients.js';

/**
 * The Kafka clients a component may build, as one value handed to it: the runtime passes
 * {@link kafkaClients}, unit tests pass fakes. Connect's tasks, KafkaBasedLog and herder take
 * their clients this way instead of building them inside themselves (Apache's Worker likewise
 * builds task clients through one factory), so their behaviour can be tested without a broker.
 */
export interface KafkaClients {
  /** The sequenced, idempotent producer (see createProducer). */
  createProducer(settings: ProducerSettings): KafkaProducer;
  /** The client's own producer (transactions). */
  createRawProducer(settings: ProducerSettings): RawProducer;
  createConsumer(settings: ConsumerSettings): RawConsumer;
  createAdmin(settings: AdminSettings): Admin;
}

/** The real clients. */
export const kafkaClients: KafkaClients = {
  createProducer,
  createRawProducer,
  createConsumer,
  createAdmin,
};
