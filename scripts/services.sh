#!/usr/bin/env bash
# Real backing services for the coupon service, on 127.0.0.1:
#   redis          Redis 7 standalone, port 6379, AOF on (appendfsync always)
#   redis-cluster  3 Redis masters, ports 7001-7003, no replicas
#   redis-sentinel a master and a replica (ports 6380, 6381), watched by three Sentinels
#                  (ports 26380-26382) under the name coupon-ledger
#   mariadb        MariaDB 10.11, port 3306, database/user/password coupon
#   kafka          Apache Kafka 4.4 single node in KRaft mode, port 9092 (controller 9093)
#
# Usage: scripts/services.sh up | down | status | env | logs [svc]
#                            start <svc> | stop <svc> | kill <svc>
#   up      install what is missing, start everything (reusing what already answers),
#           wait until each service accepts connections, print the env line on stdout
#   down    stop everything gracefully
#   status  one line per service; exit 0 if all are running, 3 otherwise
#   env     print one line for:  eval "$(scripts/services.sh env)"
#   stop    graceful (Redis flushes its AOF, MariaDB shuts down cleanly, Kafka gets SIGTERM)
#   kill    SIGKILL, for fault-injection tests; `start` afterwards recovers from the same data
#
# With a working Docker engine, `up`/`down`/`status` use docker-compose.yml instead.
# Environment:
#   SERVICES_DIR        state, data and logs (default /var/tmp/coupon-services)
#   SERVICES_MODE       auto (default) | local | docker
#   SERVICES_WAIT_SECS  how long to wait for one service to become ready (default 120)
#   REDIS_APPENDFSYNC   always (default: a grant is on disk before its 201) | everysec | no
#
# Everything is started by this script without systemd (there may be none): the daemons are
# detached with setsid, their pidfiles live under $SERVICES_DIR, and a stale pidfile (after a
# SIGKILL or a reboot) is recognised by checking the pid's command line.
set -euo pipefail
# (The comment above, up to `set -euo`, is also the usage text: see usage.)
#
# This file is only the entry point: the code of each service lives in scripts/services/, one
# file per service (start_<svc>, stop_<svc>, kill_<svc>, status_<svc>, logs_<svc>, env_<svc>,
# packages_<svc>), on top of the shared helpers of common.sh.

SERVICES_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/services"
# shellcheck source=SCRIPTDIR/services/common.sh
source "$SERVICES_LIB/common.sh"
# shellcheck source=SCRIPTDIR/services/redis.sh
source "$SERVICES_LIB/redis.sh"
# shellcheck source=SCRIPTDIR/services/redis-cluster.sh
source "$SERVICES_LIB/redis-cluster.sh"
# shellcheck source=SCRIPTDIR/services/redis-sentinel.sh
source "$SERVICES_LIB/redis-sentinel.sh"
# shellcheck source=SCRIPTDIR/services/mariadb.sh
source "$SERVICES_LIB/mariadb.sh"
# shellcheck source=SCRIPTDIR/services/kafka.sh
source "$SERVICES_LIB/kafka.sh"
# shellcheck source=SCRIPTDIR/services/docker.sh
source "$SERVICES_LIB/docker.sh"

SERVICES=(redis redis-cluster redis-sentinel mariadb kafka)

# The line for `eval "$(scripts/services.sh env)"`, from each service's env_<svc>.
env_line() { echo "export $(env_redis) $(env_kafka) $(env_mariadb) $(env_redis_cluster) $(env_redis_sentinel)"; }

# ---------------------------------------------------------------------------------------------
# status / logs

status_local() {
  local all=0
  status_redis || all=3
  status_redis_cluster || all=3
  status_redis_sentinel || all=3
  status_mariadb || all=3
  status_kafka || all=3
  return $all
}

show_logs() {
  local svc=${1:-} f
  case $svc in
    "") for f in "$LOG_DIR"/*.log "$LOG_DIR"/*.out; do
      [[ -f $f ]] || continue
      printf '==> %s <==\n' "$f"
      tail -n 15 "$f"
    done ;;
    *) if is_service "$svc"; then "logs_${svc//-/_}"; else usage; fi ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# commands

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

is_service() {
  local s
  for s in "${SERVICES[@]}"; do [[ $1 == "$s" ]] && return 0; done
  return 1
}

check_svc() {
  is_service "$1" || die "unknown service '$1' (one of: ${SERVICES[*]})"
}

cmd_up() {
  local t0=$SECONDS
  if use_docker; then
    say "docker engine found: docker compose up -d --wait redis mysql kafka"
    compose up -d --wait redis mysql kafka >&2
    say "note: the Redis Cluster (7001-7003) is not in docker-compose.yml; for it run: SERVICES_MODE=local $0 start redis-cluster"
  else
    ensure_packages "${SERVICES[@]}"
    kafka_launch # slowest to boot: start it first, wait for it last
    start_redis
    start_redis_cluster
    start_redis_sentinel
    start_mariadb
    kafka_wait
  fi
  say "all services ready in $((SECONDS - t0))s"
  env_line
}

cmd_down() {
  if use_docker; then
    compose stop >&2
    return
  fi
  stop_kafka
  stop_mariadb
  stop_redis
  stop_redis_cluster
  stop_redis_sentinel
}

main() {
  CMD=${1:-}
  [[ -n $CMD ]] || usage
  if [[ $CMD == env ]]; then
    env_line
    return
  fi
  mkdir -p "$SERVICES_DIR" "$LOG_DIR"
  say "state folder: $SERVICES_DIR (logs: $LOG_DIR)"
  case $CMD in
    up) take_lock && cmd_up ;;
    down) take_lock && cmd_down ;;
    status)
      if use_docker; then compose ps; else status_local; fi
      ;;
    logs) show_logs "${2:-}" ;;
    start | stop | kill)
      [[ $# -eq 2 ]] || usage
      check_svc "$2"
      take_lock
      if use_docker; then
        if [[ $CMD == start ]]; then
          compose up -d --wait "$(compose_service "$2")" >&2
        else
          compose "$CMD" "$(compose_service "$2")" >&2
        fi
        return
      fi
      [[ $CMD == start ]] && ensure_packages "$2"
      "${CMD}_${2//-/_}"
      ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
