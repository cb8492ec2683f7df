#!/usr/bin/env bash
# Real backing services for the coupon service, on 127.0.0.1:
#   redis          Redis 7 standalone, port 6379, AOF on (appendfsync always)
#   redis-cluster  3 Redis masters, ports 7001-7003, no replicas
#   redis-sentinel a master and a replica (ports 6380, 6381), watched by three Sentinels
#                  (ports 26380-26382) under the name coupon-ledger
#   mariadb        MariaDB 10.11, port 3306, database/user/password coupon
#   kafka          Apache Kafka 3.9 single node in KRaft mode, port 9092 (controller 9093)
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

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="${SERVICES_DIR:-/var/tmp/coupon-services}"
LOG_DIR="$SERVICES_DIR/logs"
WAIT_SECS="${SERVICES_WAIT_SECS:-120}"
SERVICES_MODE="${SERVICES_MODE:-auto}"

REDIS_PORT=6379
CLUSTER_PORTS=(7001 7002 7003)
SENTINEL_NAME=coupon-ledger
SENTINEL_DATA_PORTS=(6380 6381)
SENTINEL_PORTS=(26380 26381 26382)
REDIS_APPENDFSYNC="${REDIS_APPENDFSYNC:-always}"
MARIADB_PORT=3306
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093

REDIS_DIR="$SERVICES_DIR/redis"
CLUSTER_DIR="$SERVICES_DIR/redis-cluster"
SENTINEL_DIR="$SERVICES_DIR/redis-sentinel"
MARIADB_DIR="$SERVICES_DIR/mariadb"
MARIADB_DATA="$MARIADB_DIR/data"
MARIADB_CNF="$MARIADB_DIR/my.cnf"
MARIADB_SOCK="$MARIADB_DIR/mariadb.sock"
# Written by our launcher (see detach); mariadbd writes its own copy to mariadbd.pid.
MARIADB_PIDFILE="$MARIADB_DIR/mariadb.pid"
KAFKA_DIR="$SERVICES_DIR/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_PIDFILE="$KAFKA_DIR/kafka.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"

ENV_LINE="export REDIS_URL=redis://127.0.0.1:$REDIS_PORT KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT DATABASE_URL=mysql://coupon:coupon@127.0.0.1:$MARIADB_PORT/coupon TEST_REDIS_CLUSTER_NODES=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 TEST_REDIS_SENTINELS=127.0.0.1:26380,127.0.0.1:26381,127.0.0.1:26382 TEST_REDIS_SENTINEL_NAME=$SENTINEL_NAME"
SERVICES=(redis redis-cluster redis-sentinel mariadb kafka)

# ---------------------------------------------------------------------------------------------
# helpers

say() { printf '[services] %s\n' "$*" >&2; }
die() {
  printf '[services] ERROR: %s\n' "$*" >&2
  exit 1
}

# Print the last lines of a log (and of $EXTRA_LOG, e.g. the JVM's stdout), then fail
# pointing at it.
EXTRA_LOG=""
fail_with_log() {
  local msg=$1 log=$2 f
  for f in "$log" $EXTRA_LOG; do
    [[ -s $f ]] || continue
    say "last lines of $f:"
    tail -n 25 "$f" | sed 's/^/    /' >&2
  done
  die "$msg (log: $log${EXTRA_LOG:+, $EXTRA_LOG})"
}

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT (bash /dev/tcp: no nc needed).
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# pid_from FILE PATTERN: print the pid in FILE if that process is alive and its command line
# contains PATTERN. After a SIGKILL or a reboot the pidfile stays behind and its pid may belong
# to another process by now, so liveness alone is not enough.
pid_from() {
  local file=$1 pattern=$2 pid
  [[ -s $file ]] || return 1
  pid=$(<"$file")
  pid=${pid//[^0-9]/}
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
  echo "$pid"
}

# wait_for WHAT LOG ALIVE_FN CHECK...: poll CHECK until it succeeds, for at most WAIT_SECS.
# ALIVE_FN (may be empty) tells whether the process we launched still exists, so a daemon that
# dies on startup fails fast with its log instead of after the whole timeout.
wait_for() {
  local what=$1 log=$2 alive_fn=$3
  shift 3
  local deadline=$((SECONDS + WAIT_SECS))
  until "$@"; do
    if [[ -n $alive_fn ]] && ! "$alive_fn" >/dev/null; then
      fail_with_log "$what exited while starting" "$log"
    fi
    ((SECONDS < deadline)) || fail_with_log "$what not ready after ${WAIT_SECS}s" "$log"
    sleep 0.2
  done
}

# detach PIDFILE LOG CMD...: run CMD in its own session (survives the calling shell/terminal),
# stdin from /dev/null, output appended to LOG (so `$(services.sh up)` never waits on a daemon
# holding its stdout), pid written by the process itself before exec'ing CMD. fd 9 (our lock)
# is closed so the daemon does not hold it forever.
detach() {
  local pidfile=$1 log=$2 i
  shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016 # $$ and $@ are meant for the inner bash
  setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" </dev/null >>"$log" 2>&1 9>&- &
  # Return only once the pidfile exists, so callers can tell "not started yet" from "died".
  for ((i = 0; i < 100; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.05
  done
  die "could not launch $1 (no pidfile $pidfile after 5s; log: $log)"
}

# wait_exit WHAT PID SECS: wait for PID to exit (after a stop request); SIGKILL after SECS.
wait_exit() {
  local what=$1 pid=$2 secs=$3 deadline
  deadline=$((SECONDS + secs))
  while kill -0 "$pid" 2>/dev/null && [[ -n $(tr -d '\0' <"/proc/$pid/cmdline" 2>/dev/null) ]]; do
    if ((SECONDS >= deadline)); then
      say "$what (pid $pid) did not exit within ${secs}s; sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
      return
    fi
    sleep 0.2
  done
}

# Serialise commands that change state (two test runners calling `up` at once).
take_lock() {
  exec 9>"$SERVICES_DIR/.lock"
  flock -w 600 9 || die "another services.sh holds $SERVICES_DIR/.lock"
}

# ---------------------------------------------------------------------------------------------
# packages (only what is missing; one apt-get call for all of it)

apt_install() {
  local sudo=()
  [[ $EUID -eq 0 ]] || sudo=(sudo)
  say "installing Debian packages: $* (apt output: $LOG_DIR/apt.log)"
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
  if ! "${apt[@]}" install -y --no-install-recommends "$@" >>"$LOG_DIR/apt.log" 2>&1; then
    # A fresh machine (or container image) may have no package lists yet.
    say "apt-get install failed; running apt-get update and retrying"
    "${apt[@]}" update >>"$LOG_DIR/apt.log" 2>&1 || true
    "${apt[@]}" install -y --no-install-recommends "$@" >>"$LOG_DIR/apt.log" 2>&1 ||
      fail_with_log "apt-get install $* failed" "$LOG_DIR/apt.log"
  fi
}

# ensure_packages SVC...: install the Debian packages the given services need, if missing.
ensure_packages() {
  local pkgs=() svc
  for svc in "$@"; do
    case $svc in
      redis | redis-cluster | redis-sentinel)
        command -v redis-server >/dev/null || pkgs+=(redis-server)
        command -v redis-cli >/dev/null || pkgs+=(redis-tools)
        [[ $svc != redis-sentinel ]] || command -v redis-sentinel >/dev/null || pkgs+=(redis-sentinel)
        ;;
      mariadb)
        command -v mariadbd >/dev/null || pkgs+=(mariadb-server)
        command -v mariadb >/dev/null || pkgs+=(mariadb-client)
        ;;
      kafka)
        command -v java >/dev/null || pkgs+=(openjdk-17-jre-headless)
        # Maven is only needed to fetch the broker jars the first time.
        [[ -f $KAFKA_LIBS/.pom.sha256 ]] || command -v mvn >/dev/null || pkgs+=(maven)
        ;;
    esac
  done
  ((${#pkgs[@]} == 0)) && return 0
  # de-duplicate (redis and redis-cluster need the same packages)
  mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
  apt_install "${pkgs[@]}"
}

# ---------------------------------------------------------------------------------------------
# Redis (standalone and cluster nodes are the same binary with different flags)

redis_ping() { [[ $(timeout 3 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]; }
redis_pid() { pid_from "$2/redis.pid" "redis-"; } # redis_pid PORT DIR (redis-server or redis-sentinel)

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

start_redis() {
  if redis_ping $REDIS_PORT; then
    say "redis: reused (port $REDIS_PORT, $(redis_describe $REDIS_PORT "$REDIS_DIR"))"
    return
  fi
  port_open $REDIS_PORT && die "port $REDIS_PORT is in use by something that does not answer Redis PING"
  redis_launch $REDIS_PORT "$REDIS_DIR" redis
  # PING answers -LOADING while the AOF is replayed after a restart, so this waits for that too.
  wait_for "redis" "$LOG_DIR/redis.log" "" redis_ping $REDIS_PORT
  say "redis: started (port $REDIS_PORT, $(redis_describe $REDIS_PORT "$REDIS_DIR"))"
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

redis_kill() {
  local port=$1 dir=$2 what=$3 pid
  if pid=$(redis_pid "$port" "$dir"); then
    kill -9 "$pid"
    wait_exit "$what" "$pid" 10
    say "$what: killed (SIGKILL pid $pid)"
  else
    say "$what: not running (nothing to kill)"
  fi
}

stop_redis() { redis_shutdown $REDIS_PORT "$REDIS_DIR" redis; }
kill_redis() { redis_kill $REDIS_PORT "$REDIS_DIR" redis; }

# ---------------------------------------------------------------------------------------------
# Redis Cluster: 3 masters, no replicas (enough to exercise MOVED/hash-slot handling)

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
    port_open "$port" && die "port $port is in use by something that does not answer Redis PING"
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

# ---------------------------------------------------------------------------------------------
# Redis Sentinel: two data nodes (one master, one replica) and three Sentinels, quorum 2. The
# Sentinels' own files record who is master now, so a restart after a failover keeps the promoted
# node as master and starts the other one as its replica.

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
    port_open "$port" && die "port $port is in use by something that does not answer Redis PING"
    args=()
    [[ $master == "127.0.0.1:$port" ]] || args=(--replicaof 127.0.0.1 "${master##*:}")
    redis_launch "$port" "$SENTINEL_DIR/$port" "redis-sentinel-data-$port" "${args[@]}"
  done
  for port in "${SENTINEL_DATA_PORTS[@]}"; do
    wait_for "redis-sentinel data node $port" "$LOG_DIR/redis-sentinel-data-$port.log" "" redis_ping "$port"
  done
  for port in "${SENTINEL_PORTS[@]}"; do
    redis_ping "$port" && continue
    port_open "$port" && die "port $port is in use by something that does not answer Redis PING"
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

# ---------------------------------------------------------------------------------------------
# MariaDB: our own mariadbd with its own datadir and config (no systemd, no /etc/mysql)

mariadb_pid() { pid_from "$MARIADB_PIDFILE" mariadbd; }
mariadb_ping() { mariadb-admin --no-defaults --protocol=tcp -h127.0.0.1 -P$MARIADB_PORT --connect-timeout=2 ping >/dev/null 2>&1; }
mariadb_root() { mariadb --no-defaults --socket="$MARIADB_SOCK" -uroot "$@"; }
coupon_can_login() { mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P$MARIADB_PORT -ucoupon -pcoupon --connect-timeout=3 coupon -e 'select 1' >/dev/null 2>&1; }

# Rewritten on every start so that settings changed here take effect after a restart.
mariadb_write_cnf() {
  mkdir -p "$MARIADB_DIR"
  cat >"$MARIADB_CNF" <<EOF
# Generated by scripts/services.sh; edit the script, not this file.
[mysqld]
$([[ $EUID -eq 0 ]] && echo "user=root")
datadir=$MARIADB_DATA
socket=$MARIADB_SOCK
pid-file=$MARIADB_DIR/mariadbd.pid
log-error=$LOG_DIR/mariadb.log
port=$MARIADB_PORT
bind-address=127.0.0.1
# Clients connect by IP: no reverse-DNS lookups (and 'coupon'@'127.0.0.1' matches exactly).
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
# Benchmark-friendly but still durable: every commit is flushed to the redo log.
innodb_flush_log_at_trx_commit=1
innodb_buffer_pool_size=512M
innodb_log_file_size=256M
max_connections=500
EOF
}

# Initialise the datadir once. The marker is written last, so an interrupted initialisation
# is redone from scratch instead of leaving a half-made datadir.
mariadb_init_once() {
  [[ -f $MARIADB_DATA/.coupon-initialised ]] && return
  say "mariadb: initialising datadir $MARIADB_DATA (once)"
  rm -rf "$MARIADB_DATA"
  mkdir -p "$MARIADB_DATA"
  mariadb-install-db --defaults-file="$MARIADB_CNF" --auth-root-authentication-method=normal \
    --skip-test-db >>"$LOG_DIR/mariadb-install-db.log" 2>&1 </dev/null 9>&- ||
    fail_with_log "mariadb-install-db failed" "$LOG_DIR/mariadb-install-db.log"
  touch "$MARIADB_DATA/.coupon-initialised"
}

# Database `coupon`, user coupon/coupon with all rights on it and on `coupon_%` (tests create
# and drop throwaway databases). Idempotent, so it runs on every start.
MARIADB_PROVISION_SQL="
CREATE DATABASE IF NOT EXISTS coupon CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'coupon'@'%' IDENTIFIED BY 'coupon';
CREATE USER IF NOT EXISTS 'coupon'@'localhost' IDENTIFIED BY 'coupon';
CREATE USER IF NOT EXISTS 'coupon'@'127.0.0.1' IDENTIFIED BY 'coupon';
GRANT ALL PRIVILEGES ON \`coupon\`.* TO 'coupon'@'%', 'coupon'@'localhost', 'coupon'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`coupon\\_%\`.* TO 'coupon'@'%', 'coupon'@'localhost', 'coupon'@'127.0.0.1';
FLUSH PRIVILEGES;"

mariadb_provision() {
  mariadb_root -e "$MARIADB_PROVISION_SQL" 2>>"$LOG_DIR/mariadb.log" ||
    fail_with_log "could not create database/user coupon" "$LOG_DIR/mariadb.log"
  coupon_can_login || die "mariadb: user coupon cannot log in on 127.0.0.1:$MARIADB_PORT after provisioning"
}

# Port 3306 answered but not by our mariadbd: typically the distribution's own server
# (started by systemd when the package was installed). Reuse it if `coupon` can log in; else,
# as root, try the distribution's root socket (unix_socket authentication) to create the user.
mariadb_adopt_external() {
  if coupon_can_login; then
    say "mariadb: reused (port $MARIADB_PORT, not started by this script; user coupon can log in)"
    return
  fi
  say "mariadb: port $MARIADB_PORT is served by a MariaDB/MySQL not started by this script; creating user coupon through its root socket"
  if mariadb -uroot -e "$MARIADB_PROVISION_SQL" 2>>"$LOG_DIR/mariadb.log" && coupon_can_login; then
    say "mariadb: reused (port $MARIADB_PORT, not started by this script; user coupon created)"
    return
  fi
  die "port $MARIADB_PORT is used by a server where user coupon/coupon cannot log in. Create it (see MARIADB_PROVISION_SQL in $0) or stop that server."
}

start_mariadb() {
  local pid
  if pid=$(mariadb_pid); then
    wait_for "mariadb" "$LOG_DIR/mariadb.log" mariadb_pid mariadb_ping
    mariadb_provision
    say "mariadb: reused (port $MARIADB_PORT, pid $pid)"
    return
  fi
  if port_open $MARIADB_PORT; then
    mariadb_adopt_external
    return
  fi
  mariadb_write_cnf
  mariadb_init_once
  # --defaults-file must be the first option; it also keeps /etc/mysql out of the picture.
  detach "$MARIADB_PIDFILE" "$LOG_DIR/mariadb.log" mariadbd --defaults-file="$MARIADB_CNF"
  wait_for "mariadb" "$LOG_DIR/mariadb.log" mariadb_pid mariadb_ping
  mariadb_provision
  say "mariadb: started (port $MARIADB_PORT, pid $(mariadb_pid))"
}

stop_mariadb() {
  local pid
  if ! pid=$(mariadb_pid); then
    say "mariadb: not running (or not started by this script)"
    return
  fi
  mariadb-admin --no-defaults --socket="$MARIADB_SOCK" -uroot shutdown 2>>"$LOG_DIR/mariadb.log" ||
    kill -TERM "$pid" 2>/dev/null || true
  wait_exit mariadb "$pid" 60
  say "mariadb: stopped (was pid $pid)"
}

kill_mariadb() {
  local pid
  if pid=$(mariadb_pid); then
    kill -9 "$pid"
    wait_exit mariadb "$pid" 10
    say "mariadb: killed (SIGKILL pid $pid)"
  else
    say "mariadb: not running (nothing to kill)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Kafka: jars from Maven Central (infra/kafka/pom.xml), run with plain `java -cp`

kafka_pid() { pid_from "$KAFKA_PIDFILE" kafka.Kafka; }
kafka_java() { java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" -Dkafka.logs.dir="$LOG_DIR" "$@"; }

# A real readiness probe without a JVM: send an ApiVersions v0 request (api key 18,
# correlation id 7, client id "probe") over /dev/tcp and expect correlation id 7 with
# error code 0 back. The broker's listener only starts processing requests at the very end of
# startup (after the broker is unfenced, just before "Kafka Server started" is logged); a
# bare port check is not enough because the socket is bound early in startup.
kafka_probe() {
  local out
  out=$(timeout 3 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$KAFKA_PORT"' || exit 1
    printf "\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x07\x00\x05probe" >&3
    head -c 10 <&3 | od -An -tx1' 2>/dev/null) || return 1
  out=${out//[[:space:]]/}
  [[ ${out:8} == 000000070000 ]]
}

# Fetch the broker jars once (again only when infra/kafka/pom.xml changes), into a temporary
# folder renamed at the end so an interrupted download is never mistaken for a complete one.
kafka_fetch_libs() {
  local pom="$REPO_ROOT/infra/kafka/pom.xml" want
  want=$(sha256sum "$pom" | cut -d' ' -f1)
  [[ -f $KAFKA_LIBS/.pom.sha256 && $(<"$KAFKA_LIBS/.pom.sha256") == "$want" ]] && return
  command -v mvn >/dev/null || apt_install maven
  say "kafka: fetching broker jars from Maven Central into $KAFKA_LIBS (once; mvn output: $LOG_DIR/mvn.log)"
  rm -rf "$KAFKA_LIBS.tmp"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_LIBS.tmp" >>"$LOG_DIR/mvn.log" 2>&1 </dev/null ||
    fail_with_log "mvn dependency:copy-dependencies failed" "$LOG_DIR/mvn.log"
  ls "$KAFKA_LIBS.tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "kafka_2.13 jar missing after mvn (see $LOG_DIR/mvn.log)"
  echo "$want" >"$KAFKA_LIBS.tmp/.pom.sha256"
  rm -rf "$KAFKA_LIBS"
  mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
}

# Rendered on every start (cheap) so that template changes apply after a restart. The state
# folder gets its own copies so a running broker never depends on the checkout it came from.
kafka_write_config() {
  mkdir -p "$KAFKA_DIR" "$KAFKA_DATA"
  sed "s|@KAFKA_DATA_DIR@|$KAFKA_DATA|g" "$REPO_ROOT/infra/kafka/server.properties.template" >"$KAFKA_DIR/server.properties"
  cp "$REPO_ROOT/infra/kafka/log4j.properties" "$KAFKA_DIR/log4j.properties"
}

# KRaft storage must be formatted with a cluster id once; the id is kept next to the data.
kafka_format_once() {
  [[ -f $KAFKA_DATA/meta.properties ]] && return
  if [[ ! -s $KAFKA_DIR/cluster.id ]]; then
    kafka_java kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka.out" | tail -n 1 >"$KAFKA_DIR/cluster.id.tmp"
    mv "$KAFKA_DIR/cluster.id.tmp" "$KAFKA_DIR/cluster.id"
  fi
  say "kafka: formatting KRaft storage $KAFKA_DATA (cluster id $(<"$KAFKA_DIR/cluster.id"))"
  kafka_java kafka.tools.StorageTool format -t "$(<"$KAFKA_DIR/cluster.id")" \
    -c "$KAFKA_DIR/server.properties" >>"$LOG_DIR/kafka.out" 2>&1 </dev/null 9>&- ||
    fail_with_log "kafka StorageTool format failed" "$LOG_DIR/kafka.out"
}

# Start the broker without waiting (it is the slowest service, so `up` starts it first and
# waits for it last). Sets KAFKA_ACTION to reused/started/external for kafka_wait.
KAFKA_ACTION=""
kafka_launch() {
  if kafka_pid >/dev/null; then
    KAFKA_ACTION=reused
    return
  fi
  if port_open $KAFKA_PORT || port_open $KAFKA_CONTROLLER_PORT; then
    kafka_probe || die "port $KAFKA_PORT/$KAFKA_CONTROLLER_PORT is in use by something that is not a ready Kafka broker"
    KAFKA_ACTION=external
    return
  fi
  kafka_fetch_libs
  kafka_write_config
  kafka_format_once
  # Heap as asked for a benchmark box; G1 settings are those of kafka-server-start.sh.
  detach "$KAFKA_PIDFILE" "$LOG_DIR/kafka.out" \
    java -Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" -Dkafka.logs.dir="$LOG_DIR" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties"
  KAFKA_ACTION=started
}

kafka_wait() {
  case $KAFKA_ACTION in
    external)
      say "kafka: reused (port $KAFKA_PORT, not started by this script)"
      ;;
    reused | started)
      EXTRA_LOG="$LOG_DIR/kafka.out" # JVM errors (bad option, missing class) land there
      wait_for "kafka" "$KAFKA_LOG" kafka_pid kafka_probe
      EXTRA_LOG=""
      say "kafka: $KAFKA_ACTION (port $KAFKA_PORT, pid $(kafka_pid))"
      ;;
  esac
}

start_kafka() {
  kafka_launch
  kafka_wait
}

# SIGTERM = Kafka's own clean shutdown (flushes logs, writes the clean-shutdown marker).
stop_kafka() {
  local pid
  if ! pid=$(kafka_pid); then
    say "kafka: not running (or not started by this script)"
    return
  fi
  kill -TERM "$pid"
  wait_exit kafka "$pid" 60
  say "kafka: stopped (was pid $pid)"
}

kill_kafka() {
  local pid
  if pid=$(kafka_pid); then
    kill -9 "$pid"
    wait_exit kafka "$pid" 10
    say "kafka: killed (SIGKILL pid $pid)"
  else
    say "kafka: not running (nothing to kill)"
  fi
}

# ---------------------------------------------------------------------------------------------
# status / logs

status_line() { printf '%-14s %-8s %s\n' "$1" "$2" "$3"; }

status_local() {
  local all=0 pid port pids=() state
  if redis_ping $REDIS_PORT; then
    status_line redis running "port $REDIS_PORT  $(redis_describe $REDIS_PORT "$REDIS_DIR")"
  else
    status_line redis stopped "port $REDIS_PORT"
    all=3
  fi

  state=running
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
  [[ $state == running ]] || all=3
  status_line redis-cluster "$state" "ports ${CLUSTER_PORTS[*]}  pids ${pids[*]}  cluster_state:$(cluster_info_field "${CLUSTER_PORTS[0]}" cluster_state || true)"

  state=running
  for port in "${SENTINEL_DATA_PORTS[@]}" "${SENTINEL_PORTS[@]}"; do redis_ping "$port" || state=stopped; done
  [[ $state == running ]] && ! sentinel_quorum_ok && state=degraded
  [[ $state == running ]] || all=3
  status_line redis-sentinel "$state" "master $(sentinel_master)  sentinels ${SENTINEL_PORTS[*]}"

  if mariadb_ping; then
    pid=$(mariadb_pid) || pid="? (not started by this script)"
    status_line mariadb running "port $MARIADB_PORT  pid $pid"
  else
    status_line mariadb stopped "port $MARIADB_PORT"
    all=3
  fi

  if kafka_probe; then
    pid=$(kafka_pid) || pid="? (not started by this script)"
    status_line kafka running "port $KAFKA_PORT  pid $pid"
  elif pid=$(kafka_pid); then
    status_line kafka starting "port $KAFKA_PORT  pid $pid"
    all=3
  else
    status_line kafka stopped "port $KAFKA_PORT"
    all=3
  fi
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
    redis) tail -n 100 "$LOG_DIR/redis.log" ;;
    redis-cluster) tail -n 40 "$LOG_DIR"/redis-cluster-*.log ;;
    redis-sentinel) tail -n 40 "$LOG_DIR"/redis-sentinel-*.log ;;
    mariadb) tail -n 100 "$LOG_DIR/mariadb.log" ;;
    kafka) tail -n 100 "$KAFKA_LOG" ;;
    *) usage ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Docker path (docker-compose.yml at the repo root)

use_docker() {
  case $SERVICES_MODE in
    local) return 1 ;;
    docker) return 0 ;;
  esac
  command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1 &&
    docker compose version >/dev/null 2>&1
}

# docker-compose.yml refuses to start without the app's secrets (no defaults there). The backing
# services alone need none of them, except the MySQL password, which must match the env line we
# print (coupon/coupon, loopback test database). Values already exported win.
compose() {
  (cd "$REPO_ROOT" &&
    MYSQL_PASSWORD="${MYSQL_PASSWORD:-coupon}" \
      MYSQL_ROOT_PASSWORD="${MYSQL_ROOT_PASSWORD:-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}" \
      ADMIN_TOKEN="${ADMIN_TOKEN:-services-only-not-an-api-token}" AUTH_MODE="${AUTH_MODE:-body}" \
      EVENT_SIGNING_KEYS="${EVENT_SIGNING_KEYS:-services-only:not-used-by-the-backing-services-0}" \
      docker compose "$@")
}

compose_service() { # our service name -> compose service name
  case $1 in
    redis) echo redis ;;
    mariadb) echo mysql ;;
    kafka) echo kafka ;;
    *) die "$1 is not part of docker-compose.yml; use SERVICES_MODE=local $0 ${CMD:-start} $1" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# commands

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

check_svc() {
  local s
  for s in "${SERVICES[@]}"; do [[ $1 == "$s" ]] && return 0; done
  die "unknown service '$1' (one of: ${SERVICES[*]})"
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
  echo "$ENV_LINE"
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
    echo "$ENV_LINE"
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
