/**
 * The Apache Kafka release whose Connect behaviour msa-sync matches: reported by `GET /`, by the
 * built-in plugins' `version`, and the release of the broker and JVM tools that infra/kafka/pom.xml
 * fetches. One place, so a Kafka upgrade is one line here and one in the pom.
 */
export const KAFKA_VERSION = '4.4.0';
