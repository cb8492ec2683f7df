# shellcheck shell=bash
# Redis 7 standalone for scripts/services.sh: port 6379, AOF on (appendfsync always). Also the
# Redis helpers the cluster and the Sentinel set use (redis-cluster.sh, redis-sentinel.sh):
# standalone and cluster nodes are the same binary with different flags.

REDIS_PORT=6379
REDIS_APPENDFSYNC="${REDIS_APPENDFSYNC:-always}"
REDIS_DIR="$SERVICES_DIR/redis"

# redis_packages: the Debian packages every Redis-based service needs, if missing.
redis_packages() {
  command -v redis-server >/dev/null || echo redis-server
  command -v redis-cli >/dev/null || echo redis-tools
}
packages_redis() { redis_packages; }

redis_ping() { [[ $(timeout 3 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]; }
redis_pid() { pid_from "$2/redis.pid" "redis-"; } # redis_pid PORT DIR (redis-server or redis-sentinel)

# redis_port_free PORT: called when PORT does not answer PING; fail if something else holds it.
redis_port_free() {
  if port_open "$1"; then die "port $1 is in use by something that does not answer Redis PING"; fi
}

# redis_launch PORT DIR NAME [EXTRA ARGS]: our own instance (not the Debian system service),
# daemonised by Redis itself. AOF fsynced before every reply by default (REDIS_APPENDFSYNC=always):
# only grants write, so the fsync is paid once per coupon, and a crash loses no answered grant.
redis_launch() {
  local port=$1 dir=$2 name=$3
  shift 3
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
    --pidfile "$dir/redis.pid" --dir "$dir" --logfile "$LOG_DIR/$name.log" \
    --appendonly yes --appendfsync "$REDIS_APPENDFSYNC" --save '' "$@" </dev/null 9>&- ||
    fail_with_log "redis-server on port $port failed to start" "$LOG_DIR/$name.log"
}

# redis_describe PORT DIR: "pid N" or "not started by this script"
redis_describe() {
  local pid
  if pid=$(redis_pid "$1" "$2"); then echo "pid $pid"; else echo "not started by this script"; fi
}

# redis_shutdown PORT DIR WHAT: graceful SHUTDOWN (flushes the AOF), only for our own instance.
redis_shutdown() {
  local port=$1 dir=$2 what=$3 pid
  if ! pid=$(redis_pid "$port" "$dir"); then
    if redis_ping "$port"; then say "$what: port $port is served by a Redis not started by this script; left alone"; else say "$what: not running"; fi
    return
  fi
  timeout 30 redis-cli -h 127.0.0.1 -p "$port" shutdown >/dev/null 2>&1 || true
  wait_exit "$what" "$pid" 30
  say "$what: stopped (was pid $pid)"
}

# redis_kill PORT DIR WHAT: SIGKILL, only for our own instance.
redis_kill() { hard_kill "$3" redis_pid "$1" "$2"; }

# ---------------------------------------------------------------------------------------------
# the standalone instance

start_redis() {
  if redis_ping $REDIS_PORT; then
    say "redis: reused (port $REDIS_PORT, $(redis_describe $REDIS_PORT "$REDIS_DIR"))"
    return
  fi
  redis_port_free $REDIS_PORT
  redis_launch $REDIS_PORT "$REDIS_DIR" redis
  # PING answers -LOADING while the AOF is replayed after a restart, so this waits for that too.
  wait_for "redis" "$LOG_DIR/redis.log" "" redis_ping $REDIS_PORT
  say "redis: started (port $REDIS_PORT, $(redis_describe $REDIS_PORT "$REDIS_DIR"))"
}

stop_redis() { redis_shutdown $REDIS_PORT "$REDIS_DIR" redis; }
kill_redis() { redis_kill $REDIS_PORT "$REDIS_DIR" redis; }

status_redis() {
  if redis_ping $REDIS_PORT; then
    status_line redis running "port $REDIS_PORT  $(redis_describe $REDIS_PORT "$REDIS_DIR")"
  else
    status_line redis stopped "port $REDIS_PORT"
    return 1
  fi
}

logs_redis() { tail -n 100 "$LOG_DIR/redis.log"; }
env_redis() { echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"; }
