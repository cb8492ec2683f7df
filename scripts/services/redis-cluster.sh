# shellcheck shell=bash
# Redis Cluster for scripts/services.sh: 3 masters, no replicas (enough to exercise
# MOVED/hash-slot handling), ports 7001-7003. Uses the Redis helpers of redis.sh.

CLUSTER_PORTS=(7001 7002 7003)
CLUSTER_DIR="$SERVICES_DIR/redis-cluster"

packages_redis_cluster() { redis_packages; }

cluster_info_field() { # cluster_info_field PORT FIELD
  timeout 3 redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"
}

cluster_ok() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do
    [[ $(cluster_info_field "$port" cluster_state) == ok ]] || return 1
  done
}

# True when no node knows any slot or peer yet, i.e. the cluster was never created.
cluster_blank() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do
    [[ $(cluster_info_field "$port" cluster_slots_assigned) == 0 ]] || return 1
    [[ $(cluster_info_field "$port" cluster_known_nodes) == 1 ]] || return 1
  done
}

start_redis_cluster() {
  local port launched=0 nodes=()
  for port in "${CLUSTER_PORTS[@]}"; do
    nodes+=("127.0.0.1:$port")
    redis_ping "$port" && continue
    redis_port_free "$port"
    redis_launch "$port" "$CLUSTER_DIR/$port" "redis-cluster-$port" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000
    launched=1
  done
  for port in "${CLUSTER_PORTS[@]}"; do
    wait_for "redis-cluster node $port" "$LOG_DIR/redis-cluster-$port.log" "" redis_ping "$port"
  done
  if ((launched == 0)) && cluster_ok; then
    say "redis-cluster: reused (ports ${CLUSTER_PORTS[*]}, cluster_state:ok)"
    return
  fi
  # Create the cluster only once: a restarted node reloads nodes.conf and rejoins by itself,
  # and `--cluster create` would refuse non-empty nodes anyway.
  if cluster_blank; then
    say "redis-cluster: creating cluster over ${nodes[*]}"
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes \
      >>"$LOG_DIR/redis-cluster-create.log" 2>&1 </dev/null ||
      fail_with_log "redis-cli --cluster create failed" "$LOG_DIR/redis-cluster-create.log"
  fi
  wait_for "redis-cluster (cluster_state:ok)" "$LOG_DIR/redis-cluster-${CLUSTER_PORTS[0]}.log" "" cluster_ok
  say "redis-cluster: started (ports ${CLUSTER_PORTS[*]}, cluster_state:ok)"
}

stop_redis_cluster() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do redis_shutdown "$port" "$CLUSTER_DIR/$port" "redis-cluster:$port"; done
}

kill_redis_cluster() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do redis_kill "$port" "$CLUSTER_DIR/$port" "redis-cluster:$port"; done
}

# running when every node answers and the cluster is ok; degraded when they answer but it is not.
status_redis_cluster() {
  local state=running port pid pids=()
  for port in "${CLUSTER_PORTS[@]}"; do
    if redis_ping "$port"; then
      pid=$(redis_pid "$port" "$CLUSTER_DIR/$port") || pid="?"
      pids+=("$port:$pid")
    else
      pids+=("$port:stopped")
      state=stopped
    fi
  done
  if [[ $state == running ]] && ! cluster_ok; then state=degraded; fi
  status_line redis-cluster "$state" "ports ${CLUSTER_PORTS[*]}  pids ${pids[*]}  cluster_state:$(cluster_info_field "${CLUSTER_PORTS[0]}" cluster_state || true)"
  [[ $state == running ]]
}

logs_redis_cluster() { tail -n 40 "$LOG_DIR"/redis-cluster-*.log; }
env_redis_cluster() { echo "TEST_REDIS_CLUSTER_NODES=$(loopback_addrs "${CLUSTER_PORTS[@]}")"; }
