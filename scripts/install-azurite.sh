#!/usr/bin/env bash
# Install Azurite (Azure Blob Storage's local stand-in, the npm package `azurite`) into .azurite/,
# for the azure backend's tests. Idempotent: a no-op when the pinned version is already there.
# Without npm it installs Debian's nodejs and npm when run as root (a fresh machine); otherwise it
# prints why and exits 0: the azure tests then skip, naming this script.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="3.35.0"
DIR=".azurite"
BIN="$DIR/node_modules/.bin/azurite-blob"
STAMP="$DIR/.installed-$VERSION"
if [[ -x "$BIN" && -f "$STAMP" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1 && [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "install-azurite: installing nodejs and npm (apt-get)" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install-azurite: npm not found; the azure backend tests will be skipped" >&2
  exit 0
fi
mkdir -p "$DIR"
npm install --silent --no-audit --no-fund --prefix "$DIR" "azurite@$VERSION" >/dev/null
touch "$STAMP"
echo "install-azurite: azurite $VERSION in $DIR"
