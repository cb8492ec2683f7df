# shellcheck shell=bash
# Apache Kafka 4.4 for scripts/services.sh: single node in KRaft mode, port 9092 (controller
# 9093). Jars from Maven Central (infra/kafka/pom.xml), run with plain `java -cp`, logging
# through log4j2 (infra/kafka/log4j2.properties).
#
# The state folder outlives checkouts and upgrades, so the broker version is part of it: the
# data lives in data-<version> (a broker formats its own and never opens another version's:
# Kafka 4.4 storage is not readable by older brokers, and 3.9 data would start 4.4 at the old
# metadata.version), and a running broker of another version is stopped and replaced on start.

KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_POM="$REPO_ROOT/infra/kafka/pom.xml"
# The version this checkout runs: the pom's <kafka.version>.
KAFKA_VERSION=$(sed -n 's|.*<kafka.version>\(.*\)</kafka.version>.*|\1|p' "$KAFKA_POM" 2>/dev/null)
KAFKA_DIR="$SERVICES_DIR/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_DATA="$KAFKA_DIR/data-$KAFKA_VERSION"
KAFKA_PIDFILE="$KAFKA_DIR/kafka.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"

packages_kafka() {
  command -v java >/dev/null || echo openjdk-17-jre-headless
  # Maven is only needed to fetch the broker jars the first time.
  [[ -f $KAFKA_LIBS/.pom.sha256 ]] || command -v mvn >/dev/null || echo maven
}

kafka_pid() { pid_from "$KAFKA_PIDFILE" kafka.Kafka; }
KAFKA_JVM_LOGGING=(-Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" -Dkafka.logs.dir="$LOG_DIR")
kafka_java() { java -cp "$KAFKA_LIBS/*" "${KAFKA_JVM_LOGGING[@]}" "$@"; }

# kafka_running_version PID: the Kafka version of a running broker, from the
# kafka_2.13-<version>.jar its JVM holds open. Read from the process rather than from a file of
# ours: it is right for a broker started by an older script too, and after the libs folder was
# replaced under it (the link then ends in " (deleted)").
kafka_running_version() {
  local jar
  jar=$(find "/proc/$1/fd" -maxdepth 1 -lname '*/kafka_2.13-*.jar*' -printf '%l\n' 2>/dev/null | head -n 1)
  [[ $jar =~ kafka_2\.13-([^/]+)\.jar ]] || return 1
  echo "${BASH_REMATCH[1]}"
}

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
  local pom=$KAFKA_POM want
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
  cp "$REPO_ROOT/infra/kafka/log4j2.properties" "$KAFKA_DIR/log4j2.properties"
  rm -f "$KAFKA_DIR/log4j.properties" # Kafka 3's, unused since 4
}

# Data folders of other Kafka versions (data/ is where the scripts before 4.4 kept 3.9's):
# removed when this version starts, so the state folder keeps one broker's data. Only test
# data lives there; the broker that owned it is not running (kafka_launch stops it first).
kafka_drop_other_data() {
  local dir dropped=()
  for dir in "$KAFKA_DIR"/data "$KAFKA_DIR"/data-*; do
    [[ -d $dir && $dir != "$KAFKA_DATA" ]] || continue
    rm -rf "$dir"
    dropped+=("$dir")
  done
  ((${#dropped[@]} == 0)) ||
    say "kafka: removed the data of another Kafka version (${dropped[*]}); Kafka $KAFKA_VERSION formats its own in $KAFKA_DATA"
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
KAFKA_REPLACED=""
kafka_launch() {
  local pid running
  [[ -n $KAFKA_VERSION ]] || die "no <kafka.version> in $KAFKA_POM"
  if pid=$(kafka_pid); then
    running=$(kafka_running_version "$pid") || running="of unknown version"
    if [[ $running == "$KAFKA_VERSION" ]]; then
      KAFKA_ACTION=reused
      return
    fi
    say "kafka: the running broker (pid $pid) is Kafka $running, this checkout runs $KAFKA_VERSION: replacing it"
    stop_kafka
    KAFKA_REPLACED=" (replaced Kafka $running)"
  fi
  if port_open $KAFKA_PORT || port_open $KAFKA_CONTROLLER_PORT; then
    kafka_probe || die "port $KAFKA_PORT/$KAFKA_CONTROLLER_PORT is in use by something that is not a ready Kafka broker"
    KAFKA_ACTION=external
    return
  fi
  kafka_fetch_libs
  kafka_write_config
  kafka_drop_other_data
  kafka_format_once
  # Heap as asked for a benchmark box; G1 settings are those of kafka-server-start.sh.
  detach "$KAFKA_PIDFILE" "$LOG_DIR/kafka.out" \
    java -Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    "${KAFKA_JVM_LOGGING[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties"
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
      # shellcheck disable=SC2034 # read by fail_with_log (common.sh)
      EXTRA_LOG=""
      say "kafka: $KAFKA_ACTION Kafka $KAFKA_VERSION$KAFKA_REPLACED (port $KAFKA_PORT, pid $(kafka_pid))"
      ;;
  esac
}

start_kafka() {
  kafka_launch
  kafka_wait
}

# SIGTERM = Kafka's own clean shutdown (flushes logs, writes the clean-shutdown marker).
kafka_sigterm() { kill -TERM "$1"; }
stop_kafka() { graceful_stop kafka 60 kafka_sigterm kafka_pid; }
kill_kafka() { hard_kill kafka kafka_pid; }

# running once it answers ApiVersions; starting while our JVM is up but not ready yet.
status_kafka() {
  local pid
  if kafka_probe; then
    if pid=$(kafka_pid); then
      pid="$pid  version $(kafka_running_version "$pid" || echo '?')"
    else
      pid="? (not started by this script)"
    fi
    status_line kafka running "port $KAFKA_PORT  pid $pid"
  elif pid=$(kafka_pid); then
    status_line kafka starting "port $KAFKA_PORT  pid $pid"
    return 1
  else
    status_line kafka stopped "port $KAFKA_PORT"
    return 1
  fi
}

logs_kafka() { tail -n 100 "$KAFKA_LOG"; }
env_kafka() { echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"; }
