#!/usr/bin/env bash
# Debian's chromium, for the dashboard's browser test (tests/integration/dashboard). `make test`
# runs this; it does nothing when chromium is there already. Without root or apt-get it only
# says so, and the browser test is skipped with that reason.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing and cannot be installed here (needs root and apt-get):" \
       "the dashboard's browser test will be skipped" >&2
  exit 0
fi
echo "installing Debian's chromium for the dashboard's browser test ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# fonts-dejavu-core: text in screenshots (chromium's recommends are not installed).
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null
