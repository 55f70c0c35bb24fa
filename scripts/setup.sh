#!/usr/bin/env bash
# One-time (and idempotent) set-up of everything the project needs on a fresh machine: system packages, npm
# packages, the Kafka jars, the local MongoDB engine (DocumentDB on PostgreSQL 15, built from vendor/ once per
# machine into ~/.cache/erp-insights), the local mail server (Mailpit, built with Go into the same cache) and the
# Jupyter environment (JupyterLab 4, nbconvert 7: a Python venv per requirements/jupyter.txt, in the same cache). A
# second run takes seconds.
#
# ERP_SKIP_ENGINE=1 bash scripts/setup.sh   skips the engine (its Debian packages and build) for users with a MongoDB
# of their own; so does a MONGODB_URI (environment or .env) whose host is not loopback.
# ERP_SKIP_MAILPIT=1 bash scripts/setup.sh  skips Mailpit (and the need for Go) for users with an SMTP server of
# their own; so does an SMTP_URL (environment or .env) that is not smtp:// on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m▸ %s\033[0m\n' "$*" >&2; }
die() { printf '✖ %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# 1. Toolchains the project builds its services with.
have node || die "Node.js 20+ not found: install it from https://nodejs.org or your package manager"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || die "Node.js 20+ required, found $(node --version)"
have java || die "Java 17+ not found (Kafka needs it): apt-get install openjdk-17-jre-headless"
have mvn || die "Maven not found (fetches the Kafka jars): apt-get install maven"

# A setting from the environment, else from .env (last assignment, without a trailing comment or quotes).
setting() {
  local v="${!1:-}"
  if [ -z "$v" ] && [ -f .env ]; then v="$(sed -n "s/^[[:space:]]*$1=//p" .env | tail -1 | sed 's/[[:space:]]#.*//' | tr -d "\"'")"; fi
  printf '%s' "$v"
}

# The engine is wanted unless skipped, or MONGODB_URI (environment, else .env) names a MongoDB elsewhere.
mongo_uri="$(setting MONGODB_URI)"
engine=1
case "${ERP_SKIP_ENGINE:-}" in 1|true|yes) engine=0 ;; esac
if [ -n "$mongo_uri" ] && ! printf '%s' "$mongo_uri" | grep -Eq '^mongodb://([^@/]*@)?(localhost|127\.[0-9.]+|\[::1\])(:[0-9]+)?([/?,]|$)'; then engine=0; fi
if [ $engine = 1 ] && ! have cargo; then
  die "cargo (Rust 1.80+) not found (builds the MongoDB engine's gateway): install rustup from https://rustup.rs, or on Debian 12 apt-get install cargo-web; or set ERP_SKIP_ENGINE=1 to use a MongoDB of your own"
fi

# Mailpit is wanted unless skipped, or SMTP_URL (environment, else .env) is not plain smtp:// on loopback.
smtp_url="$(setting SMTP_URL)"
mailpit=1
case "$(setting ERP_SKIP_MAILPIT)" in 1|true|yes) mailpit=0 ;; esac
if [ -n "$smtp_url" ] && ! printf '%s' "$smtp_url" | grep -Eq '^smtp://([^@/]*@)?(localhost|127\.[0-9.]+|\[::1\])(:[0-9]+)?(/|$)'; then mailpit=0; fi
if [ $mailpit = 1 ] && ! have go; then
  die "go (1.26+) not found (builds Mailpit, the local mail server): see https://go.dev/dl; or set ERP_SKIP_MAILPIT=1 (or an SMTP_URL that is not loopback) to use an SMTP server of your own"
fi

# 2. System packages: Chromium for PDFs and browser tests, poppler for PDF checks, python3-venv for the Jupyter
#    environment, Debian's Jupyter (Notebook 6, nbconvert 6: the fallback without a venv, and the test that a
#    colleague's Jupyter Notebook still shows the outputs), and what the engine builds and runs with. Not Debian's postgresql-15-cron: it is pg_cron 1.4.2, without the seconds-level
#    schedules DocumentDB's index builds use; pg_cron 1.6.7 is built from vendor/ instead.
debs=(chromium poppler-utils python3-venv python3-nbconvert python3-nbclient python3-ipykernel jupyter-client jupyter-notebook fonts-dejavu-core)
if [ $engine = 1 ]; then
  debs+=(postgresql-15 postgresql-server-dev-15 postgresql-15-rum postgresql-15-postgis-3 libbson-dev libintelrdfpmath-dev
    libpcre2-dev libkrb5-dev libssl-dev pkg-config build-essential openssl)
fi
missing=()
for p in "${debs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if have apt-get && [ "$(id -u)" = 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif have apt-get && have sudo; then
    say "Installing Debian packages with sudo: ${missing[*]}"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "Skipping system packages (not root, no apt-get): install ${missing[*]} for PDFs, browser tests, notebooks and the engine"
  fi
fi

# 3. npm packages. Puppeteer's own browser download is skipped: we launch Debian's Chromium.
export PUPPETEER_SKIP_DOWNLOAD=true
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 4. The Jupyter environment: JupyterLab 4, nbconvert 7 and nbclient, every package pinned with its hashes in
#    requirements/jupyter.txt, in a venv of the per-user cache keyed by that file's sha256 (see jupyterVenvDir in
#    src/config/index.ts): made once (about 30 s), then shared by every clone with the same pins.
venv="$(npx tsx -e "process.stdout.write(require('./src/config').loadConfig().jupyterVenv)")"
venv_python="$(command -v python3 || true)"
if [ -f "$venv/.erp-ready" ] && "$venv/bin/python" -c 'import jupyterlab, nbclient, nbconvert' 2>/dev/null; then
  :
elif [ -z "$venv_python" ] || ! "$venv_python" -c 'import venv, ensurepip' 2>/dev/null; then
  say "No Python venv module (python3 -m venv): apt-get install python3-venv, then run set-up again. Until then notebooks run on Debian's Jupyter (Notebook 6, nbconvert 6), without JupyterLab"
else
  say "Creating the Jupyter environment (JupyterLab 4.6.6, nbconvert 7.17.2) in $venv"
  mkdir -p "$(dirname "$venv")"
  # One set-up at a time builds it (flock); .erp-ready, written last, is what the project looks for.
  (
    flock 9
    if [ ! -f "$venv/.erp-ready" ] || ! "$venv/bin/python" -c 'import jupyterlab' 2>/dev/null; then
      rm -rf "$venv"
      "$venv_python" -m venv "$venv"
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/jupyter.txt \
        || { rm -rf "$venv"; die "pip could not install requirements/jupyter.txt into $venv (is PyPI reachable?)"; }
      touch "$venv/.erp-ready"
    fi
  ) 9>"$venv.lock"
fi

# 5. Kafka jars (cached under .cache/), the engine (built once per machine: 5-10 min the first time, then seconds)
#    and Mailpit (built once per machine: about 3 min), all three at once.
parts="Kafka jars"
if [ $engine = 1 ]; then
  parts+=", the MongoDB engine (DocumentDB)"
else
  parts+=" (MongoDB engine skipped: ERP_SKIP_ENGINE or a remote MONGODB_URI)"
  export ERP_SKIP_ENGINE=1
fi
if [ $mailpit = 1 ]; then
  parts+=", the mail server (Mailpit)"
else
  parts+=" (mail server skipped: ERP_SKIP_MAILPIT or an SMTP_URL elsewhere)"
  export ERP_SKIP_MAILPIT=1
fi
say "Preparing local services: $parts"
npx tsx scripts/services.ts install

# 6. The library build the notebooks import (as `erp-insights`), and the TypeScript kernel, registered where both
#    the Jupyter environment and Debian's Jupyter see it.
say "Building the library and registering the tslab kernel"
npm run --silent build
npx tsx -e "const j = require('./src/tooling/jupyter'); j.ensureSelfLink(process.cwd()); j.ensureKernel(process.cwd()).catch((e) => { console.error(e.message); process.exit(1); });"
say "Set-up complete"
