#!/usr/bin/env bash
# Apache's connect-standalone.sh, answered by the msa-sync worker in standalone mode
# (same worker.properties, same connector files, same REST API).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec node "$here/../../../packages/connect/bin/msa-sync-connect.js" --standalone "$@"
