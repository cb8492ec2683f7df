# shellcheck shell=bash
# Redis Sentinel for scripts/services.sh: two data nodes (one master, one replica; ports 6380,
# 6381) and three Sentinels (ports 26380-26382), quorum 2, under the name coupon-ledger. The
# Sentinels' own files record who is master now, so a restart after a failover keeps the promoted
# node as master and starts the other one as its replica. Uses the Redis helpers of redis.sh.

SENTINEL_NAME=coupon-ledger
SENTINEL_DATA_PORTS=(6380 6381)
SENTINEL_PORTS=(26380 26381 26382)
SENTINEL_DIR="$SERVICES_DIR/redis-sentinel"

packages_redis_sentinel() {
  redis_packages
  command -v redis-sentinel >/dev/null || echo redis-sentinel
}

sentinel_conf() { echo "$SENTINEL_DIR/sentinel-$1.conf"; }

# sentinel_master: host:port of the master as the first answering Sentinel sees it.
sentinel_master() {
  local port addr
  for port in "${SENTINEL_PORTS[@]}"; do
    addr=$(timeout 3 redis-cli -p "$port" sentinel get-master-addr-by-name $SENTINEL_NAME 2>/dev/null | tr -d '\r' | paste -sd:) || continue
    [[ $addr == *:* ]] && { echo "$addr"; return 0; }
  done
  # Not answering now: the last master any Sentinel wrote down, else the initial one.
  for port in "${SENTINEL_PORTS[@]}"; do
    addr=$(sed -n "s/^sentinel monitor $SENTINEL_NAME \([^ ]*\) \([0-9]*\) .*/\1:\2/p" "$(sentinel_conf "$port")" 2>/dev/null)
    [[ -n $addr ]] && { echo "$addr"; return 0; }
  done
  echo "127.0.0.1:${SENTINEL_DATA_PORTS[0]}"
}

sentinel_quorum_ok() { [[ $(timeout 3 redis-cli -p "${SENTINEL_PORTS[0]}" sentinel ckquorum $SENTINEL_NAME 2>/dev/null) == OK* ]]; }

sentinel_replica_synced() {
  local master=$1
  timeout 3 redis-cli -p "${master##*:}" info replication 2>/dev/null | tr -d '\r' | grep -q '^slave0:.*state=online'
}

start_redis_sentinel() {
  local port master args
  master=$(sentinel_master)
  for port in "${SENTINEL_DATA_PORTS[@]}"; do
    redis_ping "$port" && continue
    redis_port_free "$port"
    args=()
    [[ $master == "127.0.0.1:$port" ]] || args=(--replicaof 127.0.0.1 "${master##*:}")
    redis_launch "$port" "$SENTINEL_DIR/$port" "redis-sentinel-data-$port" "${args[@]}"
  done
  for port in "${SENTINEL_DATA_PORTS[@]}"; do
    wait_for "redis-sentinel data node $port" "$LOG_DIR/redis-sentinel-data-$port.log" "" redis_ping "$port"
  done
  for port in "${SENTINEL_PORTS[@]}"; do
    redis_ping "$port" && continue
    redis_port_free "$port"
    mkdir -p "$SENTINEL_DIR/s$port"
    # Written once; afterwards it is the Sentinel's own record (it rewrites it on every change).
    [[ -f $(sentinel_conf "$port") ]] || cat >"$(sentinel_conf "$port")" <<CONF
port $port
bind 127.0.0.1
daemonize yes
pidfile $SENTINEL_DIR/s$port/redis.pid
logfile $LOG_DIR/redis-sentinel-$port.log
dir $SENTINEL_DIR/s$port
sentinel monitor $SENTINEL_NAME 127.0.0.1 ${master##*:} 2
sentinel down-after-milliseconds $SENTINEL_NAME 1000
sentinel failover-timeout $SENTINEL_NAME 5000
sentinel parallel-syncs $SENTINEL_NAME 1
CONF
    redis-sentinel "$(sentinel_conf "$port")" </dev/null 9>&- ||
      fail_with_log "redis-sentinel on port $port failed to start" "$LOG_DIR/redis-sentinel-$port.log"
  done
  for port in "${SENTINEL_PORTS[@]}"; do
    wait_for "sentinel $port" "$LOG_DIR/redis-sentinel-$port.log" "" redis_ping "$port"
  done
  wait_for "redis-sentinel quorum" "$LOG_DIR/redis-sentinel-${SENTINEL_PORTS[0]}.log" "" sentinel_quorum_ok
  master=$(sentinel_master)
  wait_for "redis-sentinel replica in sync" "$LOG_DIR/redis-sentinel-data-${master##*:}.log" "" sentinel_replica_synced "$master"
  say "redis-sentinel: ready (master $master, sentinels ${SENTINEL_PORTS[*]}, name $SENTINEL_NAME)"
}

stop_redis_sentinel() {
  local port
  for port in "${SENTINEL_PORTS[@]}"; do redis_shutdown "$port" "$SENTINEL_DIR/s$port" "sentinel:$port"; done
  for port in "${SENTINEL_DATA_PORTS[@]}"; do redis_shutdown "$port" "$SENTINEL_DIR/$port" "redis-sentinel:$port"; done
}

kill_redis_sentinel() {
  local port
  for port in "${SENTINEL_DATA_PORTS[@]}"; do redis_kill "$port" "$SENTINEL_DIR/$port" "redis-sentinel:$port"; done
  for port in "${SENTINEL_PORTS[@]}"; do redis_kill "$port" "$SENTINEL_DIR/s$port" "sentinel:$port"; done
}

# running when all five answer and the Sentinels have their quorum; degraded without it.
status_redis_sentinel() {
  local state=running port
  for port in "${SENTINEL_DATA_PORTS[@]}" "${SENTINEL_PORTS[@]}"; do redis_ping "$port" || state=stopped; done
  [[ $state == running ]] && ! sentinel_quorum_ok && state=degraded
  status_line redis-sentinel "$state" "master $(sentinel_master)  sentinels ${SENTINEL_PORTS[*]}"
  [[ $state == running ]]
}

logs_redis_sentinel() { tail -n 40 "$LOG_DIR"/redis-sentinel-*.log; }
env_redis_sentinel() { echo "TEST_REDIS_SENTINELS=$(loopback_addrs "${SENTINEL_PORTS[@]}") TEST_REDIS_SENTINEL_NAME=$SENTINEL_NAME"; }
