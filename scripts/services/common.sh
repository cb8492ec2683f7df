# shellcheck shell=bash
# Shared by every service file of scripts/services.sh (which sources this first): the state
# folder, logging, waiting, pid handling, the lock, Debian packages, and the stop/kill/status
# shapes several services have in common. Each service's own ports and folders live in its file.

# shellcheck disable=SC2034 # read by kafka.sh and docker.sh
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERVICES_DIR="${SERVICES_DIR:-/var/tmp/coupon-services}"
LOG_DIR="$SERVICES_DIR/logs"
WAIT_SECS="${SERVICES_WAIT_SECS:-120}"
SERVICES_MODE="${SERVICES_MODE:-auto}"

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

# loopback_addrs PORT...: "127.0.0.1:PORT,127.0.0.1:PORT,..." (the lists in the env line).
loopback_addrs() {
  local IFS=,
  set -- "${@/#/127.0.0.1:}"
  echo "$*"
}

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
# stop / kill / status shapes shared by the services. PID_FN... is a service's own pid function
# (and its arguments, e.g. `redis_pid PORT DIR`): it prints the pid of the instance this script
# started, or fails when there is none, so a server not started here is never stopped or killed.

# graceful_stop WHAT SECS REQUEST_FN PID_FN...: ask our process to stop (REQUEST_FN PID), wait
# up to SECS for it to exit (then SIGKILL, see wait_exit).
graceful_stop() {
  local what=$1 secs=$2 request_fn=$3 pid
  shift 3
  if ! pid=$("$@"); then
    say "$what: not running (or not started by this script)"
    return
  fi
  "$request_fn" "$pid"
  wait_exit "$what" "$pid" "$secs"
  say "$what: stopped (was pid $pid)"
}

# hard_kill WHAT PID_FN...: SIGKILL our process, for fault-injection tests.
hard_kill() {
  local what=$1 pid
  shift
  if pid=$("$@"); then
    kill -9 "$pid"
    wait_exit "$what" "$pid" 10
    say "$what: killed (SIGKILL pid $pid)"
  else
    say "$what: not running (nothing to kill)"
  fi
}

# status_line SVC STATE DETAILS: one line of `services.sh status`. Each service file's
# status_<svc> prints its line with it and fails unless the service is running.
status_line() { printf '%-14s %-8s %s\n' "$1" "$2" "$3"; }

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
# Each service file's packages_<svc> prints the ones it lacks, one per line.
ensure_packages() {
  local pkgs=() svc
  # de-duplicate (redis and redis-cluster need the same packages)
  mapfile -t pkgs < <(for svc in "$@"; do "packages_${svc//-/_}"; done | sort -u)
  ((${#pkgs[@]} == 0)) && return 0
  apt_install "${pkgs[@]}"
}
