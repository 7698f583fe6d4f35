#!/bin/sh
# SPDX-License-Identifier: ISC
# Layering rules the compiler cannot check:
#  - only lib/tls/ includes GnuTLS headers (DESIGN.md: one TLS seam), and
#    bench/floor/, whose program measures what GnuTLS alone costs;
#  - only lib/auth/ includes libxml2 headers;
#  - every C source and header starts with the SPDX line.
set -u
src=${1:-$(dirname "$0")/..}
cd "$src" || exit 1
status=0

bad=$(grep -rlE '#include[[:space:]]*<gnutls/' --include='*.[ch]' . |
	grep -v '^\./lib/tls/' | grep -v '^\./bench/floor/' | grep -v '^\./build')
if [ -n "$bad" ]; then
	echo "GnuTLS header outside lib/tls/:"; echo "$bad"; status=1
fi

bad=$(grep -rlE '#include[[:space:]]*<libxml/' --include='*.[ch]' . |
	grep -v '^\./lib/auth/' | grep -v '^\./build')
if [ -n "$bad" ]; then
	echo "libxml2 header outside lib/auth/:"; echo "$bad"; status=1
fi

for f in $(git ls-files '*.c' '*.h' 2>/dev/null); do
	head -n 2 "$f" | grep -q 'SPDX-License-Identifier: ISC' || {
		echo "missing SPDX line: $f"; status=1; }
done

[ $status -eq 0 ] && echo "layering ok"
exit $status
