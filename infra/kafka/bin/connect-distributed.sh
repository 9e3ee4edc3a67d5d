#!/usr/bin/env bash
# Apache's connect-distributed.sh, answered by the msa-sync worker (same properties file, same REST API).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec node "$here/../../../packages/connect/bin/msa-sync-connect.js" "$@"
