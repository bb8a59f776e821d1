# Shared set-up for scripts/up, scripts/test and .ci/run: the pinned pnpm, dependencies, and the
# local RabbitMQ and PostgreSQL when they are down. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' package.json)"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

ensure_pnpm() {
  if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    say "installing pnpm $PNPM_VERSION (npm install -g; corepack's signature check fails on this machine)"
    npm install -g "pnpm@$PNPM_VERSION" >/dev/null
  fi
}

ensure_deps() {
  say "installing dependencies (pnpm install --frozen-lockfile)"
  PUPPETEER_SKIP_DOWNLOAD=1 pnpm install --frozen-lockfile --reporter=append-only | tail -n 3
}

rabbit_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

ensure_rabbitmq() {
  if rabbit_up; then return 0; fi
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    echo "RabbitMQ does not answer on 127.0.0.1:5672 and rabbitmq-server is not installed." >&2
    echo "Install it (apt-get install rabbitmq-server) or set RABBITMQ_URL to a broker you have." >&2
    return 1
  fi
  say "starting RabbitMQ (rabbitmq-server -detached)"
  rabbitmq-server -detached || true
  for _ in $(seq 1 90); do rabbit_up && break; sleep 1; done
  rabbit_up || { echo "RabbitMQ did not come up within 90 s; see /var/log/rabbitmq/." >&2; return 1; }
  rabbitmqctl await_startup >/dev/null 2>&1 || true
}

ensure_postgres() {
  if pg_up; then return 0; fi
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL does not answer on 127.0.0.1:5432; start it or set PG_URL (the admin connection tests and scripts use)." >&2; return 1; }
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  say "installing Debian's chromium for the docs and storefront browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || {
    echo "could not install chromium; the docs and storefront browser tests need /usr/bin/chromium" >&2
    return 1
  }
}
