#!/usr/bin/env bash
# One-time (and idempotent) set-up of everything the project needs on a fresh machine:
# system packages, npm packages, the Kafka jars and the FerretDB wrapper. A second run takes seconds.
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
have go || die "Go 1.21+ not found (builds the FerretDB wrapper): see https://go.dev/dl or apt-get install golang"

# 2. System packages: Chromium for PDFs and browser tests, poppler for PDF checks, Jupyter for notebooks.
debs=(chromium poppler-utils python3-nbconvert python3-nbclient python3-ipykernel jupyter-client jupyter-notebook fonts-dejavu-core)
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
    say "Skipping system packages (not root, no apt-get): install ${missing[*]} for PDFs, browser tests and notebooks"
  fi
fi

# 3. npm packages. Puppeteer's own browser download is skipped: we launch Debian's Chromium.
export PUPPETEER_SKIP_DOWNLOAD=true
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 4. Kafka jars and the FerretDB wrapper, cached under .cache/.
say "Preparing local services (cached under .cache/)"
npx tsx scripts/services.ts install

# 5. The library build the notebooks import (as `erp-insights`), and the TypeScript kernel for Jupyter.
say "Building the library and registering the tslab kernel"
npm run --silent build
npx tsx -e "const j = require('./src/tooling/jupyter'); j.ensureSelfLink(process.cwd()); j.ensureKernel(process.cwd()).catch((e) => { console.error(e.message); process.exit(1); });"
say "Set-up complete"
