# SPDX-License-Identifier: ISC
# shellcheck shell=bash source-path=SCRIPTDIR
#
# A throwaway PKI for one test run, made with certtool (gnutls-bin; openssl
# only hashes the server key for its pin). pki_make writes, in PKI_DIR
# ($SG_SCRATCH/pki unless set):
#
#   ca.pem ca-key.pem               the test CA (gateways trust it for clients)
#   server.pem server-key.pem       CN and SAN DNS gw.sslgate.test, SAN IP 198.18.1.1
#   server-pin.txt                  "pin-sha256:<base64>" of the server key;
#                                   also in $SERVER_PIN (openconnect --servercert)
#   alice.pem alice-key.pem         CN=alice, OU=engineering (cert user = CN, group = OU)
#   bob.pem bob-key.pem             CN=bob, OU=sales
#   mallory.pem mallory-key.pem     CN=mallory, OU=engineering, revoked in crl.pem
#   crl.pem                         the test CA's CRL listing mallory
#   other-ca.pem other-ca-key.pem   an unrelated CA nobody trusts
#   stranger.pem stranger-key.pem   CN=alice, OU=engineering, issued by other-ca
#   alice.p12                       alice's key, cert and CA; password $PKI_P12_PASS
# and pki_make_third (on demand) adds a third CA with a user under it:
#   third-ca.pem third-ca-key.pem   another CA
#   carol.pem carol-key.pem         CN=carol, OU=engineering, issued by third-ca
#
# Settings: PKI_KEY_TYPE rsa (2048 bits, default) or ecdsa (P-256); PKI_DAYS.
# Private keys are mode 600; the directory stays readable so a gateway that
# drops privileges can still reach its certificates.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ -n "${_SG_PKI_LOADED:-}" ] && return 0
_SG_PKI_LOADED=1

: "${PKI_DIR:=$SG_SCRATCH/pki}"
: "${PKI_KEY_TYPE:=rsa}"
: "${PKI_DAYS:=30}"
: "${PKI_P12_PASS:=sslgate-p12}"
: "${GW_NAME:=gw.sslgate.test}"
: "${ADDR_GW:=198.18.1.1}"
SERVER_PIN=

_certtool() {
	certtool "$@" >>"$PKI_DIR/certtool.log" 2>&1 ||
		fail "certtool $* failed (see $PKI_DIR/certtool.log)"
}

# pki_key NAME: a private key NAME-key.pem.
pki_key() {
	local f=$PKI_DIR/$1-key.pem
	if [ "$PKI_KEY_TYPE" = ecdsa ]; then
		_certtool --generate-privkey --no-text --key-type ecdsa --curve secp256r1 --outfile "$f"
	else
		_certtool --generate-privkey --no-text --key-type rsa --bits 2048 --outfile "$f"
	fi
	chmod 600 "$f"
}

# pki_ca NAME CN: a self-signed CA NAME.pem (key NAME-key.pem).
pki_ca() {
	local name=$1 tmpl=$PKI_DIR/$1.tmpl
	pki_key "$name"
	cat >"$tmpl" <<-EOF
		cn = "$2"
		organization = "sslgate tests"
		expiration_days = $PKI_DAYS
		ca
		cert_signing_key
		crl_signing_key
	EOF
	_certtool --generate-self-signed --no-text --load-privkey "$PKI_DIR/$name-key.pem" \
		--template "$tmpl" --outfile "$PKI_DIR/$name.pem"
}

# _pki_sign NAME CA TEMPLATE-LINES: key + certificate NAME.pem issued by CA.
_pki_sign() {
	local name=$1 ca=$2 tmpl=$PKI_DIR/$1.tmpl
	pki_key "$name"
	printf '%s\nexpiration_days = %s\n' "$3" "$PKI_DAYS" >"$tmpl"
	_certtool --generate-certificate --no-text --load-privkey "$PKI_DIR/$name-key.pem" \
		--load-ca-certificate "$PKI_DIR/$ca.pem" --load-ca-privkey "$PKI_DIR/$ca-key.pem" \
		--template "$tmpl" --outfile "$PKI_DIR/$name.pem"
}

# pki_server [NAME] [CA]: the gateway's certificate (default server, by ca).
pki_server() {
	_pki_sign "${1:-server}" "${2:-ca}" "$(printf '%s\n' \
		"cn = \"$GW_NAME\"" "organization = \"sslgate tests\"" \
		"dns_name = \"$GW_NAME\"" "ip_address = \"$ADDR_GW\"" \
		tls_www_server signing_key encryption_key)"
}

# pki_client NAME CN OU [CA]: a client certificate (CN = user, OU = group).
pki_client() {
	_pki_sign "$1" "${4:-ca}" "$(printf '%s\n' \
		"cn = \"$2\"" "unit = \"$3\"" "organization = \"sslgate tests\"" \
		tls_www_client signing_key encryption_key)"
}

# pki_crl CA NAME...: (re)write crl.pem, signed by CA, revoking NAMEs.
pki_crl() {
	local ca=$1 name revoked=$PKI_DIR/revoked.pem
	shift
	: >"$revoked"
	for name in "$@"; do
		cat "$PKI_DIR/$name.pem" >>"$revoked"
	done
	printf 'crl_next_update = %s\ncrl_number = %s\n' "$PKI_DAYS" "$(date +%s)" >"$PKI_DIR/crl.tmpl"
	local certs=()
	[ -s "$revoked" ] && certs=(--load-certificate "$revoked")
	_certtool --generate-crl --no-text --load-ca-privkey "$PKI_DIR/$ca-key.pem" \
		--load-ca-certificate "$PKI_DIR/$ca.pem" "${certs[@]}" \
		--template "$PKI_DIR/crl.tmpl" --outfile "$PKI_DIR/crl.pem"
}

# pki_p12 NAME PASSWORD: NAME.p12 holding NAME's key, certificate and the CA.
pki_p12() {
	_certtool --to-p12 --outder --load-privkey "$PKI_DIR/$1-key.pem" \
		--load-certificate "$PKI_DIR/$1.pem" --load-ca-certificate "$PKI_DIR/ca.pem" \
		--p12-name "$1" --password "$2" --outfile "$PKI_DIR/$1.p12"
	chmod 600 "$PKI_DIR/$1.p12"
}

# pki_pin CERT: print "pin-sha256:" + base64(SHA-256(SubjectPublicKeyInfo)),
# the form openconnect's --servercert takes.
pki_pin() {
	local b64
	b64=$(openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
		openssl dgst -sha256 -binary | base64) || return 1
	[ -n "$b64" ] || return 1
	echo "pin-sha256:$b64"
}

# pki_make [DIR]: the whole set listed above; sets PKI_DIR and SERVER_PIN.
pki_make() {
	[ -n "${1:-}" ] && PKI_DIR=$1
	mkdir -p "$PKI_DIR"
	chmod 755 "$PKI_DIR"
	pki_ca ca "sslgate test CA"
	pki_server server ca
	pki_client alice alice engineering
	pki_client bob bob sales
	pki_client mallory mallory engineering
	pki_crl ca mallory
	pki_ca other-ca "unrelated test CA"
	pki_client stranger alice engineering other-ca
	pki_p12 alice "$PKI_P12_PASS"
	SERVER_PIN=$(pki_pin "$PKI_DIR/server.pem") || fail "cannot compute the server pin"
	echo "$SERVER_PIN" >"$PKI_DIR/server-pin.txt"
	log "pki in $PKI_DIR ($PKI_KEY_TYPE), server $SERVER_PIN"
}

# pki_make_third: the third CA and carol (see the top); after pki_make.
pki_make_third() {
	pki_ca third-ca "third test CA"
	pki_client carol carol engineering third-ca
}

# pki_softhsm DIR NAME PIN: a SoftHSM token labelled "sslgate" in DIR holding
# NAME's key and certificate (label NAME); exports SOFTHSM2_CONF. The object's
# URL is pkcs11:token=sslgate;object=NAME.
pki_softhsm() {
	local dir=$1 name=$2 pin=$3
	mkdir -p "$dir/tokens"
	printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\n' "$dir" \
		>"$dir/softhsm2.conf"
	export SOFTHSM2_CONF=$dir/softhsm2.conf
	softhsm2-util --init-token --free --label sslgate --pin "$pin" --so-pin "$pin$pin" \
		>>"$PKI_DIR/certtool.log" 2>&1 || fail "softhsm2-util --init-token failed"
	GNUTLS_PIN=$pin p11tool --login --write --load-privkey "$PKI_DIR/$name-key.pem" \
		--label "$name" --id 01 "pkcs11:token=sslgate" >>"$PKI_DIR/certtool.log" 2>&1 ||
		fail "p11tool could not store $name's key"
	GNUTLS_PIN=$pin p11tool --login --write --load-certificate "$PKI_DIR/$name.pem" \
		--label "$name" --id 01 "pkcs11:token=sslgate" >>"$PKI_DIR/certtool.log" 2>&1 ||
		fail "p11tool could not store $name's certificate"
}
