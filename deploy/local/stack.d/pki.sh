# shellcheck shell=bash
# pki: key material made with openssl and kept under .state/pki: the stack CA and the TLS server
# certificates it signs, and the test key pairs of the worker (issuance protection, hand-off
# channels). Sourced by deploy/local/stack after common.sh.

PKI="$STATE/pki"
KEY_BITS=3072
CERT_DAYS=3650
CHANNELS="email sms"

# The stack's own certificate authority (issue 8: TLS everywhere).
STACK_CA_CRT="$PKI/ca.crt"
STACK_CA_KEY="$PKI/ca.key"

# ==========================================================================================
# stack CA: one self-made root that signs the broker's TLS server certificate
# ==========================================================================================
# Created once and reused: clients pin .state/pki/ca.crt (RabbitMq:CaFile). Written to temporary
# names and renamed so a reader never sees a key without its certificate.
stack_ca_ensure() {
    mkdir -p "$PKI"
    if [ -s "$STACK_CA_CRT" ] && [ -s "$STACK_CA_KEY" ]; then return 0; fi
    log "pki: creating the stack CA ($STACK_CA_CRT)"
    local tmp_key="$STACK_CA_KEY.tmp.$$" tmp_crt="$STACK_CA_CRT.tmp.$$"
    (umask 077; openssl req -x509 -newkey "rsa:$KEY_BITS" -nodes -keyout "$tmp_key" -out "$tmp_crt" \
        -days "$CERT_DAYS" -subj "/CN=SharedSecretWorker local stack CA" -sha256 \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1) || die "pki: cannot create the stack CA"
    chmod 600 "$tmp_key"
    chmod 644 "$tmp_crt"
    mv -f "$tmp_key" "$STACK_CA_KEY"
    mv -f "$tmp_crt" "$STACK_CA_CRT"
}

# Names a TLS client may use for a loopback server: .NET and OpenSSL check the host of the URI
# (localhost) against the subjectAltName; libldap-style clients may canonicalise localhost to
# the machine's host name, so that is named too.
tls_server_names() {
    local names="DNS:localhost,IP:127.0.0.1" h
    h="$(hostname 2>/dev/null || true)"
    if [ -n "$h" ] && [ "$h" != localhost ]; then names="$names,DNS:$h"; fi
    printf '%s' "$names"
}

# Issues BASE.{crt,key} from the stack CA unless a pair exists that the CA verifies and that
# names every current server name (a changed host name re-issues it).
tls_server_cert() {
    local base="$1" cn="$2" names
    names="$(tls_server_names)"
    if [ -s "$base.crt" ] && [ -s "$base.key" ] \
        && openssl verify -CAfile "$STACK_CA_CRT" "$base.crt" >/dev/null 2>&1 \
        && [ "$(openssl x509 -in "$base.crt" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' ' | sed 's/IPAddress:/IP:/g')" = "$names" ]; then
        return 0
    fi
    log "pki: issuing $base.crt for $names"
    local tmp="$base.tmp.$$"
    (umask 077; openssl req -new -newkey "rsa:$KEY_BITS" -nodes -keyout "$tmp.key" -out "$tmp.csr" \
        -subj "/CN=$cn" >/dev/null 2>&1) || die "pki: cannot create the key of $base"
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
        "$names" >"$tmp.ext"
    openssl x509 -req -in "$tmp.csr" -CA "$STACK_CA_CRT" -CAkey "$STACK_CA_KEY" -CAcreateserial \
        -CAserial "$PKI/ca.srl" -days "$CERT_DAYS" -sha256 -extfile "$tmp.ext" -out "$tmp.crt" >/dev/null 2>&1 \
        || die "pki: cannot sign $base.crt"
    chmod 600 "$tmp.key"
    chmod 644 "$tmp.crt"
    mv -f "$tmp.key" "$base.key"
    mv -f "$tmp.crt" "$base.crt"
    rm -f "$tmp.csr" "$tmp.ext"
}

# ==========================================================================================
# test key pairs: issuance protection (its public part goes into the HSM) and one per channel
# ==========================================================================================
make_cert() {
    local base="$1" subject="$2"
    if [ -s "$base.crt" ] && [ -s "$base.key" ]; then return 0; fi
    (umask 077; openssl req -x509 -newkey "rsa:$KEY_BITS" -nodes -keyout "$base.key" -out "$base.crt" \
        -days "$CERT_DAYS" -subj "$subject" -sha256 \
        -addext "keyUsage=critical,keyEncipherment,dataEncipherment" \
        -addext "basicConstraints=critical,CA:FALSE" >/dev/null 2>&1) || die "cannot create $base.crt"
    chmod 600 "$base.key"
    chmod 644 "$base.crt"
}

pki_ensure() {
    mkdir -p "$PKI"
    make_cert "$PKI/issuance-protection" "/CN=Issuance Protection (local stack)"
    local c
    for c in $CHANNELS; do
        make_cert "$PKI/channel-$c" "/CN=Hand-off channel $c (local stack)"
    done
}
