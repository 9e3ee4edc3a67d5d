#!/usr/bin/env bash
# Runs one of Apache Kafka's main classes from the jars msa-sync fetched from Maven Central
# (infra/kafka/libs), like Kafka's own bin/kafka-run-class.sh. Fetches the jars on first use.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kafka_home="$(dirname "$here")"
libs="$kafka_home/libs"
if ! command -v java >/dev/null 2>&1; then
  echo "Java was not found: Apache Kafka needs a Java 17+ runtime (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)." >&2
  exit 1
fi
if ! ls "$libs"/kafka_2.13-*.jar >/dev/null 2>&1; then
  command -v mvn >/dev/null 2>&1 || { echo "Maven is needed once to fetch the Kafka jars (apt-get install maven)." >&2; exit 1; }
  echo "Fetching Apache Kafka jars from Maven Central..." >&2
  mvn -q -B -f "$kafka_home/pom.xml" dependency:copy-dependencies >&2
fi
main_class="$1"
shift
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_OPTS:-} \
  "-Dlog4j2.configurationFile=${KAFKA_LOG4J_CONFIG:-$kafka_home/log4j2.properties}" \
  "-Dkafka.log.level=${KAFKA_TOOLS_LOG_LEVEL:-WARN}" \
  -cp "$libs/*" "$main_class" "$@"
