#!/usr/bin/env bash
# Installs what the code-server end-to-end suite (test/e2e/) needs: Debian's chromium and
# code-server 4.99.4 (VS Code 1.99.3's web build, the last one that runs on Node 20); and
# Xvfb, the X server the screen-capture ingest test records from.
# code-server goes into its own folder outside the project's node_modules, so the project's
# dependency tree is untouched. Re-running is cheap: each step is skipped when done.
#
#   scripts/setup-e2e.sh            # installs into ${VLM_E2E_DIR:-~/.cache/vlm-stream-e2e}
#   VLM_E2E_DIR=/opt/e2e scripts/setup-e2e.sh
#
# The test finds code-server at $VLM_E2E_DIR/node_modules/.bin/code-server.
set -euo pipefail

CODE_SERVER_VERSION=4.99.4
E2E_DIR="${VLM_E2E_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vlm-stream-e2e}"

install_debian_packages() {
  local wanted=(chromium xvfb ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
  local missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup-e2e: missing Debian packages: ${missing[*]} (run as root, or install them yourself)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# code-server's postinstall downloads ripgrep from GitHub unless its cache already holds the
# archive; build that archive from Debian's rg so the install works offline.
seed_ripgrep_cache() {
  local cache
  cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  local archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  [ -s "$archive" ] && return 0
  mkdir -p "$cache"
  local staging
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$archive.tmp" -C "$staging" rg
  mv "$archive.tmp" "$archive"
  rm -rf "$staging"
}

install_code_server() {
  local bin="$E2E_DIR/node_modules/.bin/code-server"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION"; then
    return 0
  fi
  mkdir -p "$E2E_DIR"
  [ -f "$E2E_DIR/package.json" ] || echo '{"name":"vlm-e2e-tools","private":true}' >"$E2E_DIR/package.json"
  (cd "$E2E_DIR" && npm_config_yes=true npm_config_unsafe_perm=true \
    npm install --no-fund --no-audit --save-exact "code-server@$CODE_SERVER_VERSION")
}

install_debian_packages
seed_ripgrep_cache
install_code_server
echo "setup-e2e: code-server $CODE_SERVER_VERSION in $E2E_DIR, chromium at $(command -v chromium)"
