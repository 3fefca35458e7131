# shellcheck shell=bash
# Common parts of deploy/local/stack: where state lives, output, locking, secrets, packages and
# the helpers of 'status' and 'check'. Sourced first, by deploy/local/stack (which sets HERE).

STATE="$HERE/.state"
SECRETS="$STATE/secrets"

# Every server of the stack binds here (read by broker.sh, directory.sh and env.sh).
# shellcheck disable=SC2034 # used by the other parts, not in this file
LOOPBACK=127.0.0.1

PACKAGES="rabbitmq-server 389-ds-base python3-lib389 libnss3-tools softhsm2 ldap-utils opensc openssl curl"

T0=$(date +%s.%N)

# --- output helpers -----------------------------------------------------------------------
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%6.1fs", b - a }'; }
log() { printf '[stack %s] %s\n' "$(elapsed)" "$*"; }
die() {
    printf '[stack %s] ERROR: %s\n' "$(elapsed)" "$1" >&2
    if [ -n "${2:-}" ] && [ -f "$2" ]; then
        printf -- '--- last lines of %s ---\n' "$2" >&2
        tail -n 30 "$2" >&2 || true
    fi
    exit 1
}

# --- generic helpers ----------------------------------------------------------------------
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Replaces FILE with stdin only when the content differs, atomically (rename), so readers in
# other processes (tests starting while 'up' runs) never see a half-written file.
replace_file() {
    local target="$1" mode="$2" tmp
    tmp="$(mktemp "$target.XXXXXX")"
    cat >"$tmp"
    chmod "$mode" "$tmp"
    if cmp -s "$tmp" "$target"; then rm -f "$tmp"; else mv -f "$tmp" "$target"; fi
}

# Serialises commands that change the stack: several test runs may call 'up' at once.
lock_state() {
    mkdir -p "$STATE"
    exec 9>"$STATE/stack.lock"
    if ! flock -n 9; then
        log "waiting for another stack command to finish"
        flock -w 900 9 || die "another stack command still holds $STATE/stack.lock"
    fi
}

# Creates a random secret once; later calls reuse it.
secret_file() {
    local f="$SECRETS/$1"
    if [ ! -s "$f" ]; then
        mkdir -p "$SECRETS"
        chmod 700 "$SECRETS"
        (umask 077; openssl rand -hex 16 | tr -d "\n" >"$f")
    fi
    chmod 600 "$f"
    printf '%s' "$f"
}

# Installs whatever of PACKAGES (names separated by spaces) is missing.
ensure_packages() {
    local -a wanted missing=()
    local p installed
    read -r -a wanted <<<"$PACKAGES"
    installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null || true)"
    for p in "${wanted[@]}"; do
        if ! grep -qx "$p install ok installed" <<<"$installed"; then
            missing+=("$p")
        fi
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing missing packages: ${missing[*]}"
        # Keep package init scripts from starting their default (non-loopback) services;
        # put back whatever policy the machine had afterwards.
        local policy=/usr/sbin/policy-rc.d saved=""
        if [ -e "$policy" ]; then
            saved="$(mktemp)"
            cp -p "$policy" "$saved"
        fi
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        export DEBIAN_FRONTEND=noninteractive
        local rc=0
        apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" || rc=$?
        if [ -n "$saved" ]; then mv "$saved" "$policy"; else rm -f "$policy"; fi
        [ "$rc" = 0 ] || die "package installation failed (apt-get exit $rc): ${missing[*]}"
    fi
    if ! getent group dirsrv >/dev/null; then groupadd --system dirsrv; fi
    if ! getent passwd dirsrv >/dev/null; then
        useradd --system --gid dirsrv --home-dir /var/lib/dirsrv --no-create-home \
            --shell /usr/sbin/nologin dirsrv
    fi
}

# --- 'status' and 'check' -----------------------------------------------------------------
status_line() {
    local name="$1" state="$2" pid="$3" where="$4"
    printf '%-10s %-8s pid=%-8s %s\n' "$name" "$state" "$pid" "$where"
}

# One smoke-test probe: runs the command quietly, prints ok or FAIL, counts failures.
CHECK_FAILURES=0
check() {
    local what="$1"; shift
    if "$@" >/dev/null 2>&1; then
        printf 'ok    %s\n' "$what"
    else
        printf 'FAIL  %s\n' "$what"; CHECK_FAILURES=$((CHECK_FAILURES + 1))
    fi
}
refused() { ! "$@"; }
