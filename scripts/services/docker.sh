# shellcheck shell=bash
# The Docker path of scripts/services.sh (docker-compose.yml at the repo root): used instead of
# the local daemons when a Docker engine works (SERVICES_MODE=auto) or when SERVICES_MODE=docker.

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
