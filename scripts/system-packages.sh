#!/usr/bin/env bash
# Installs the Debian packages that `pnpm check` needs when they are missing (CI runs as root;
# elsewhere it asks sudo).
# redis-server: the @scopegate/redis and calendar-fleet tests start real Redis servers.
# chromium: the documentation site's browser test (playwright-core drives /usr/bin/chromium).
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (Debian packages)"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
