#!/usr/bin/env bash
# Kafka 4 dropped --broker-list from the console producer; older texts (and the seed) still type
# it, so it is passed on as --bootstrap-server.
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --broker-list) args+=(--bootstrap-server); shift; [ $# -gt 0 ] && { args+=("$1"); shift; } ;;
    --broker-list=*) args+=("--bootstrap-server=${1#--broker-list=}"); shift ;;
    *) args+=("$1"); shift ;;
  esac
done
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" org.apache.kafka.tools.ConsoleProducer "${args[@]}"
