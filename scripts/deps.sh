#!/bin/sh
# SPDX-License-Identifier: ISC
# Installs every Debian package the build, the tests, the fuzzers and the
# benchmarks need. Idempotent: apt runs only when something is missing.
set -eu

PACKAGES="
build-essential pkg-config meson ninja-build clang libclang-rt-14-dev
libgnutls28-dev gnutls-bin libxml2-dev libmnl-dev libcrypt-dev libssl-dev
libcmocka-dev libpam0g-dev
python3 jq iproute2 iptables iputils-ping procps psmisc tcpdump iperf3 openssl ethtool
ocserv openconnect vpnc-scripts softhsm2 valgrind
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
# Debian starts ocserv as a service on install; the tests run their own.
if command -v systemctl >/dev/null 2>&1; then
	systemctl disable --now ocserv.service ocserv.socket >/dev/null 2>&1 || true
fi
