#!/usr/bin/env bash
# The keeper `msa-sync up` runs each long-running process under:
#   keeper.sh <name> <state file> -- <command> [args...]
# It starts the command, and starts it again whenever it exits on its own: at once-ish the first
# time, then after a delay that doubles up to a ceiling (systemd's Restart=on-failure with a
# growing RestartSec, Kubernetes' CrashLoopBackOff). A run that lasted a minute resets the delay;
# more than 5 restarts within 2 minutes is reported as a crash loop and still retried at the
# ceiling (what caused it, a broker away, may pass). A first run that ends before `msa-sync up`
# saw it ready (it sends SIGUSR1 then) and within 10 s is a failed start, not a crash: the keeper
# exits with its code so `up` reports it with the log. SIGTERM, SIGINT or SIGHUP stop the
# command (SIGKILL after a grace period), then the keeper.
#
# Bash, not Node: one keeper per process, and a Node keeper costs ~47 MB of memory where this
# costs ~4 MB. Its state (for `msa-sync status`, and for `down` to find the command if the keeper
# itself was killed) is one JSON object in <state file>, replaced whole on each change.
set -u
if [ $# -lt 4 ] || [ "$3" != "--" ]; then
  echo "usage: keeper.sh <name> <state file> -- <command> [args...]" >&2
  exit 2
fi
name=$1
state_file=$2
shift 3

first_delay_ms=${MSA_KEEPER_FIRST_DELAY_MS:-500}
max_delay_ms=${MSA_KEEPER_MAX_DELAY_MS:-30000}
healthy_after_ms=${MSA_KEEPER_HEALTHY_AFTER_MS:-60000}
loop_restarts=${MSA_KEEPER_LOOP_RESTARTS:-5}
loop_window_ms=${MSA_KEEPER_LOOP_WINDOW_MS:-120000}
failed_start_ms=${MSA_KEEPER_FAILED_START_MS:-10000}
stop_grace_s=${MSA_KEEPER_STOP_GRACE_S:-25}

now_ms() { date +%s%3N; }
iso() { date -u -d "@$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ; }
json_string() {
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}
log() { # level (30 info, 40 warn, 50 error), message: pino's line shape
  printf '{"level":%d,"time":%s,"pid":%d,"name":"keeper","msg":%s}\n' "$1" "$(now_ms)" "$$" "$(json_string "$2")" >&2
}

restarts=0
state=running
child=
child_start=
started_ms=
last_exit=null
next_start=null
write_state() {
  local pid_json=null start_json=null started_json=null
  if [ -n "$child" ]; then
    pid_json=$child
    start_json=$(json_string "$child_start")
    started_json=$(json_string "$(iso "$started_ms")")
  fi
  printf '{"name":%s,"keeperPid":%d,"childPid":%s,"childStartTime":%s,"startedAt":%s,"restarts":%d,"state":"%s","lastExit":%s,"nextStartAt":%s}\n' \
    "$(json_string "$name")" "$$" "$pid_json" "$start_json" "$started_json" "$restarts" "$state" "$last_exit" "$next_start" \
    >"$state_file.tmp" && mv -f "$state_file.tmp" "$state_file"
}

stopping=0
on_stop() {
  stopping=1
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null
    # The grace period runs beside the wait below; it is cancelled when the command has exited.
    (sleep "$stop_grace_s" && kill -KILL "$child" 2>/dev/null) &
    watchdog=$!
  fi
}
watchdog=
trap on_stop TERM INT HUP
# SIGUSR1 from `up`: the process served once, so from now on an exit is a crash to restart.
ready=0
trap 'ready=1' USR1

delay_ms=0
restart_times=()
while :; do
  started_ms=$(now_ms)
  "$@" &
  child=$!
  stat=$(cat "/proc/$child/stat" 2>/dev/null || true)
  read -r -a fields <<<"${stat##*) }"
  child_start=${fields[19]:-}
  state=running
  next_start=null
  write_state
  # A trapped signal interrupts `wait`; wait again until the command has really exited.
  wait "$child"
  code=$?
  while kill -0 "$child" 2>/dev/null; do
    wait "$child"
    code=$?
  done
  [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
  ended_ms=$(now_ms)
  ran_ms=$((ended_ms - started_ms))
  signal=null
  [ "$code" -gt 128 ] && signal=$(json_string "SIG$(kill -l $((code - 128)) 2>/dev/null || echo $((code - 128)))")
  last_exit=$(printf '{"code":%d,"signal":%s,"at":%s,"ranMs":%d}' "$code" "$signal" "$(json_string "$(iso "$ended_ms")")" "$ran_ms")
  child=
  if [ "$stopping" = 1 ]; then
    state=stopped
    write_state
    log 30 "$name stopped"
    exit 0
  fi
  if [ "$restarts" = 0 ] && [ "$ready" = 0 ] && [ "$ran_ms" -lt "$failed_start_ms" ]; then
    state=failed
    write_state
    log 50 "$name exited with status $code ${ran_ms} ms after it started; not restarting it"
    exit "$code"
  fi
  # Back-off: reset after a healthy run, else double up to the ceiling; the ceiling in a loop.
  recent=0
  for t in "${restart_times[@]}"; do
    [ $((ended_ms - t)) -lt "$loop_window_ms" ] && recent=$((recent + 1))
  done
  if [ "$ran_ms" -ge "$healthy_after_ms" ] || [ "$delay_ms" = 0 ]; then
    delay_ms=$first_delay_ms
  else
    delay_ms=$((delay_ms * 2 > max_delay_ms ? max_delay_ms : delay_ms * 2))
  fi
  if [ "$recent" -ge "$loop_restarts" ]; then
    state=crash-loop
    delay_ms=$max_delay_ms
    log 50 "$name keeps exiting (status $code, $((recent + 1)) times in $((loop_window_ms / 1000)) s): a crash loop; starting it again in ${delay_ms} ms"
  else
    state=restarting
    log 40 "$name exited with status $code after ${ran_ms} ms: starting it again in ${delay_ms} ms"
  fi
  next_start=$(json_string "$(iso $((ended_ms + delay_ms)))")
  write_state
  # Sleep in the background so a stop signal is handled at once.
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))" &
  napping=$!
  # A SIGUSR1 interrupts `wait` too: only a stop cuts the nap short.
  while [ "$stopping" = 0 ] && kill -0 "$napping" 2>/dev/null; do wait "$napping"; done
  if [ "$stopping" = 1 ]; then
    kill "$napping" 2>/dev/null
    state=stopped
    next_start=null
    write_state
    log 30 "$name stopped while waiting to restart"
    exit 0
  fi
  restarts=$((restarts + 1))
  restart_times+=("$(now_ms)")
done
