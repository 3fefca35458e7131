# shellcheck shell=bash
# hsm: a SoftHSM2 token (Debian package softhsm2) with its own configuration and token store
# under .state/hsm, holding the public part of the issuance-protection pair (pki.sh).
# Sourced by deploy/local/stack after common.sh and pki.sh.

HSM_LIBRARY=/usr/lib/softhsm/libsofthsm2.so
HSM_TOKEN_LABEL=shrtok
# Sessions the worker may open (worker.env, env.sh).
# shellcheck disable=SC2034 # used by env.sh, not in this file
HSM_MAX_SESSIONS=4

HSM_DIR="$STATE/hsm"
HSM_CONF="$HSM_DIR/softhsm2.conf"
HSM_TOKENS="$HSM_DIR/tokens"
HSM_TOKENS_STOPPED="$HSM_DIR/tokens.stopped"

hsm_env() { export SOFTHSM2_CONF="$HSM_CONF"; }

hsm_token_present() { hsm_env; softhsm2-util --show-slots 2>/dev/null | grep -Eq "^ *Label: +$HSM_TOKEN_LABEL *$"; }

hsm_configure() {
    mkdir -p "$HSM_DIR"
    replace_file "$HSM_CONF" 644 <<EOF
directories.tokendir = $HSM_TOKENS/
objectstore.backend = file
log.level = ERROR
slots.removable = false
slots.mechanisms = ALL
library.reset_on_fork = false
EOF
}

# The token must hold exactly the public parts of pki/issuance-protection.crt under the label
# issuance-protection: compared byte for byte (public objects, no login), re-imported if not.
hsm_ensure_issuance_protection() {
    local pin="$1" label=issuance-protection
    local der="$HSM_DIR/$label.der" pub="$HSM_DIR/$label.pub.der"
    openssl x509 -in "$PKI/$label.crt" -outform DER -out "$der"
    openssl x509 -in "$PKI/$label.crt" -noout -pubkey | openssl pkey -pubin -outform DER -out "$pub"
    local p11=(pkcs11-tool --module "$HSM_LIBRARY" --token-label "$HSM_TOKEN_LABEL")
    if cmp -s "$der" <("${p11[@]}" --read-object --type cert --label "$label" 2>/dev/null) \
        && cmp -s "$pub" <("${p11[@]}" --read-object --type pubkey --label "$label" 2>/dev/null); then
        return 0
    fi
    log "hsm: importing $label certificate and public key"
    local t
    for t in cert pubkey; do
        while "${p11[@]}" --login --pin "$(cat "$pin")" --delete-object --type "$t" --label "$label" >/dev/null 2>&1; do :; done
    done
    "${p11[@]}" --login --pin "$(cat "$pin")" --write-object "$der" --type cert --label "$label" --id 01 \
        >"$HSM_DIR/import.out" 2>&1 || die "hsm: certificate import failed" "$HSM_DIR/import.out"
    "${p11[@]}" --login --pin "$(cat "$pin")" --write-object "$pub" --type pubkey --label "$label" --id 01 \
        >>"$HSM_DIR/import.out" 2>&1 || die "hsm: public key import failed" "$HSM_DIR/import.out"
}

hsm_start() {
    hsm_env
    hsm_configure
    mkdir -p "$HSM_TOKENS"
    chmod 700 "$HSM_TOKENS"
    if [ -d "$HSM_TOKENS_STOPPED" ]; then
        if [ -n "$(ls -A "$HSM_TOKENS")" ]; then
            die "hsm: both $HSM_TOKENS and $HSM_TOKENS_STOPPED hold tokens; remove one"
        fi
        find "$HSM_TOKENS_STOPPED" -mindepth 1 -maxdepth 1 -exec mv -t "$HSM_TOKENS" {} +
        rmdir "$HSM_TOKENS_STOPPED"
        log "hsm: token moved back into $HSM_TOKENS"
    fi
    local pin so_pin
    pin="$(secret_file hsm-user.pin)"
    so_pin="$(secret_file hsm-so.pin)"
    if ! hsm_token_present; then
        log "hsm: initialising token $HSM_TOKEN_LABEL"
        softhsm2-util --init-token --free --label "$HSM_TOKEN_LABEL" \
            --pin "$(cat "$pin")" --so-pin "$(cat "$so_pin")" >"$HSM_DIR/init.out" 2>&1 \
            || die "hsm: token initialisation failed" "$HSM_DIR/init.out"
    fi
    pki_ensure
    hsm_ensure_issuance_protection "$pin"
    log "hsm: token $HSM_TOKEN_LABEL present"
}

hsm_stop() {
    # Move the token's own directory, not tokens/ itself: with tokens/ missing SoftHSM2 fails
    # C_Initialize ("Failed to enumerate object store"); with it empty the library loads and
    # reports the token absent, which is what a pulled HSM looks like.
    if [ -d "$HSM_TOKENS" ] && [ -n "$(ls -A "$HSM_TOKENS")" ]; then
        mkdir -p "$HSM_TOKENS_STOPPED"
        chmod 700 "$HSM_TOKENS_STOPPED"
        find "$HSM_TOKENS" -mindepth 1 -maxdepth 1 -exec mv -t "$HSM_TOKENS_STOPPED" {} +
    fi
    log "hsm: stopped (token moved to .state/hsm/tokens.stopped)"
}

# One 'status' line for the token; exit 1 when it is absent.
hsm_status() {
    if [ -f "$HSM_CONF" ] && hsm_token_present; then
        status_line hsm running - "token '$HSM_TOKEN_LABEL' (SOFTHSM2_CONF=$HSM_CONF)"
    else
        status_line hsm stopped - "token '$HSM_TOKEN_LABEL' absent"; return 1
    fi
}

# 'check' probe of the token: the public key the worker wraps with, read without login.
hsm_check() {
    hsm_env
    # shellcheck disable=SC2016 # $1 and $2 are expanded by the inner bash (its arguments)
    check "hsm: token '$HSM_TOKEN_LABEL' holds public key 'issuance-protection'" bash -c \
        'pkcs11-tool --module "$1" --token-label "$2" --list-objects --type pubkey | grep -q "label: *issuance-protection"' _ "$HSM_LIBRARY" "$HSM_TOKEN_LABEL"
}
