# shellcheck shell=bash
# directory: 389 Directory Server (Debian package), one instance as a lib389 "prefix install"
# under .state/directory, run as dirsrv. Sourced by deploy/local/stack after common.sh.

DS_INSTANCE=shrtok
DS_SUFFIX=dc=example,dc=com
DS_PORT=3389
DS_SECURE_PORT=3636
DS_HOST_NAME=localhost
DS_ADMIN_DN="cn=Directory Manager"
DS_PEOPLE_BASE="ou=people,$DS_SUFFIX"
DS_CA_BASE="ou=ca,$DS_SUFFIX"
DS_CERT_REPO_BASE="ou=certificateRepository,$DS_CA_BASE"
DS_SERVICES_BASE="ou=services,$DS_SUFFIX"
DS_WORKER_DN="uid=shrtok-worker,$DS_SERVICES_BASE"
# The token lifecycle watcher's checkpoint (docs/token-lifecycle.md), shared by every worker.
DS_LIFECYCLE_DN="cn=shrtok-lifecycle,$DS_SERVICES_BASE"
DS_BACKEND=userroot
# Dogtag indexes these on a CA's directory (base/ca/database/ds/index.ldif); the watcher's
# catch-up search filters on them. The others are the worker's own (docs/token-lifecycle.md,
# "A lifetime"): the expiry sweep searches shrTokNotAfter with <= and metaInfo for revShrTokInfo:*.
# Each is ATTRIBUTE:TYPES.
DS_RECORD_INDEXES="dateOfCreate:eq,pres revokedOn:eq,pres shrTokNotAfter:eq,pres metaInfo:eq,sub"
DS_GENERATED_USERS=2000
DS_GENERATED_RECORDS_FIRST=100000
DS_GENERATED_RECORDS=2000
DS_START_TIMEOUT=60

DS_PREFIX="$STATE/directory"
DS_CONF_DIR="$DS_PREFIX/etc/dirsrv/slapd-$DS_INSTANCE"
DS_PID_FILE="$DS_PREFIX/run/slapd-$DS_INSTANCE.pid"
DS_LOG_DIR="$DS_PREFIX/log/slapd-$DS_INSTANCE"
DS_CA_FILE="$DS_PREFIX/ca.pem"
DS_ACI_LDIF="$HERE/ldif/90-acis.ldif"

# ns-slapd runs as dirsrv: it must be able to traverse every parent of the state directory.
make_traversable() {
    local d="$1"
    while [ "$d" != "/" ]; do
        if ! su -s /bin/sh -c "test -x '$d'" dirsrv 2>/dev/null; then
            chmod o+x "$d"
        fi
        d="$(dirname "$d")"
    done
}

ds_running() { pid_alive "$DS_PID_FILE" && ldapsearch -x -H "ldap://$LOOPBACK:$DS_PORT" -b "" -s base -LLL 1.1 >/dev/null 2>&1; }

ds_log() { printf '%s' "$DS_LOG_DIR/errors"; }

# lib389 "prefix install": a private defaults.inf with every mutable path under .state and
# systemd off; dscreate from-file then works without systemd (the stock one calls systemctl).
ds_prepare_prefix() {
    local p="$DS_PREFIX"
    mkdir -p "$p/share/dirsrv/inf" "$p/share/dirsrv/data" "$p/etc/dirsrv" "$p/shim"
    # dscreate creates missing parents with mode 770 root:root, which ns-slapd (user dirsrv)
    # cannot traverse: create them first, world-traversable like /var/log or /var/lib.
    mkdir -p "$p/log" "$p/db" "$p/lock" "$p/run" "$p/var" "$p/lib" "$p/tmpfiles.d" "$p/etc/default"
    chmod 755 "$p" "$p/log" "$p/db" "$p/lock" "$p/run" "$p/var" "$p/lib" "$p/etc" "$p/etc/dirsrv"
    rm -rf "$p/etc/dirsrv/schema" "$p/etc/dirsrv/config"
    cp -r /etc/dirsrv/schema /etc/dirsrv/config "$p/etc/dirsrv/"
    cp -r /usr/share/dirsrv/data/. "$p/share/dirsrv/data/"
    # Listen on loopback from the very first start (dscreate starts the server once).
    sed -i "s/^nsslapd-port: %ds_port%\$/nsslapd-port: %ds_port%\nnsslapd-listenhost: $LOOPBACK\nnsslapd-securelistenhost: $LOOPBACK/" \
        "$p/share/dirsrv/data/template-dse.ldif"
    grep -q "^nsslapd-listenhost: $LOOPBACK" "$p/share/dirsrv/data/template-dse.ldif" \
        || die "directory: could not set listenhost in the dse template"
    sed -e "s|^with_systemd = .*|with_systemd = 0|" \
        -e "s|^with_selinux = .*|with_selinux = |" \
        -e "s|^data_dir = .*|data_dir = $p/share|" \
        -e "s|^sysconf_dir = .*|sysconf_dir = $p/etc|" \
        -e "s|^initconfig_dir = .*|initconfig_dir = $p/etc/default|" \
        -e "s|^config_dir = .*|config_dir = $p/etc/dirsrv/slapd-{instance_name}|" \
        -e "s|^local_state_dir = .*|local_state_dir = $p/var|" \
        -e "s|^run_dir = .*|run_dir = $p/run|" \
        -e "s|^ldapi = .*|ldapi = $p/run/slapd-{instance_name}.socket|" \
        -e "s|^pid_file = .*|pid_file = $p/run/slapd-{instance_name}.pid|" \
        -e "s|^inst_dir = .*|inst_dir = $p/lib/slapd-{instance_name}|" \
        -e "s|^tmpfiles_d = .*|tmpfiles_d = $p/tmpfiles.d|" \
        -e "s|^schema_dir = .*|schema_dir = $p/etc/dirsrv/slapd-{instance_name}/schema|" \
        -e "s|^cert_dir = .*|cert_dir = $p/etc/dirsrv/slapd-{instance_name}|" \
        -e "s|^lock_dir = .*|lock_dir = $p/lock/slapd-{instance_name}|" \
        -e "s|^log_dir = .*|log_dir = $p/log/slapd-{instance_name}|" \
        -e "s|^access_log = .*|access_log = $p/log/slapd-{instance_name}/access|" \
        -e "s|^audit_log = .*|audit_log = $p/log/slapd-{instance_name}/audit|" \
        -e "s|^error_log = .*|error_log = $p/log/slapd-{instance_name}/errors|" \
        -e "s|^security_log = .*|security_log = $p/log/slapd-{instance_name}/security|" \
        -e "s|^db_dir = .*|db_dir = $p/db/slapd-{instance_name}/db|" \
        -e "s|^db_home_dir = .*|db_home_dir = $p/db/slapd-{instance_name}/dbhome|" \
        -e "s|^backup_dir = .*|backup_dir = $p/db/slapd-{instance_name}/bak|" \
        -e "s|^ldif_dir = .*|ldif_dir = $p/db/slapd-{instance_name}/ldif|" \
        /usr/share/dirsrv/inf/defaults.inf >"$p/share/dirsrv/inf/defaults.inf"
    # lib389 asks systemd-detect-virt whether it runs in a container (and crashes when the
    # tool is missing): answer "no" so the db home stays where defaults.inf puts it.
    printf '#!/bin/sh\necho none\nexit 1\n' >"$p/shim/systemd-detect-virt"
    chmod 755 "$p/shim/systemd-detect-virt"
}

ds_create() {
    local dm_pw
    dm_pw="$(secret_file directory-manager.password)"
    log "directory: creating instance $DS_INSTANCE (prefix install under .state/directory)"
    rm -rf "$DS_PREFIX"
    mkdir -p "$DS_PREFIX"
    make_traversable "$DS_PREFIX"
    ds_prepare_prefix
    local inf="$DS_PREFIX/setup.inf"
    (umask 077; cat >"$inf" <<EOF
[general]
full_machine_name = $DS_HOST_NAME
strict_host_checking = False
start = False
systemd = False
selinux = False

[slapd]
instance_name = $DS_INSTANCE
port = $DS_PORT
secure_port = $DS_SECURE_PORT
root_dn = $DS_ADMIN_DN
root_password = $(cat "$dm_pw")
self_sign_cert = True
self_sign_cert_valid_months = 60

[backend-userroot]
suffix = $DS_SUFFIX
create_suffix_entry = True
sample_entries = no
EOF
    )
    if ! PREFIX="$DS_PREFIX" PATH="$DS_PREFIX/shim:$PATH" dscreate from-file "$inf" >"$DS_PREFIX/dscreate.out" 2>&1 9>&-; then
        rm -f "$inf"
        die "directory: dscreate failed" "$DS_PREFIX/dscreate.out"
    fi
    rm -f "$inf"
    ds_reissue_server_cert
    # dscreate's self-signed CA lives in <sysconf>/dirsrv/ssca; tests and the worker trust it.
    local ca="$DS_PREFIX/etc/dirsrv/ssca/ca.crt"
    [ -f "$ca" ] || die "directory: self-signed CA not found at $ca" "$DS_PREFIX/dscreate.out"
    cp "$ca" "$DS_CA_FILE"
    chmod 644 "$DS_CA_FILE"
    ds_ca_dir
    touch "$DS_PREFIX/.created"
}

# dscreate's certificate names only full_machine_name. OpenLDAP's libldap (used by ldapsearch
# and by .NET's System.DirectoryServices.Protocols on Linux) replaces the host name
# "localhost" by the machine's own host name before checking the certificate, so the
# certificate must name both. Re-issue it from dscreate's CA with every name (instance stopped).
ds_reissue_server_cert() {
    local certdir="$DS_CONF_DIR" ssca="$DS_PREFIX/etc/dirsrv/ssca"
    local names="$DS_HOST_NAME" h
    for h in "$(hostname 2>/dev/null || true)" "$(hostname -f 2>/dev/null || true)" localhost.localdomain; do
        case ",$names," in *",$h,"*) ;; *) [ -n "$h" ] && names="$names,$h" ;; esac
    done
    : >"$DS_PREFIX/reissue.out"
    if certutil -L -d "$certdir" -n Server-Cert >/dev/null 2>&1; then
        certutil -F -d "$certdir" -n Server-Cert -f "$certdir/pwdfile.txt" >>"$DS_PREFIX/reissue.out" 2>&1 \
            || die "directory: cannot delete dscreate's server certificate" "$DS_PREFIX/reissue.out"
    fi
    /usr/bin/python3 - "$certdir" "$ssca" "$names" >>"$DS_PREFIX/reissue.out" 2>&1 <<'PY' \
        || die "directory: cannot re-issue the server certificate" "$DS_PREFIX/reissue.out"
import sys
from lib389.nss_ssl import NssSsl
certdir, ssca_dir, names = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
tls = NssSsl(dbpath=certdir)
ssca = NssSsl(dbpath=ssca_dir)
csr = tls.create_rsa_key_and_csr(alt_names=names)
ca, crt = ssca.rsa_ca_sign_csr(csr, months=60)
tls.import_rsa_crt(crt=crt)
PY
    chown -R dirsrv:dirsrv "$certdir"
    log "directory: server certificate names: $names"
}

# Hashed CA directory (c_rehash layout) for clients that take a directory rather than a file,
# e.g. .NET's LdapSessionOptions.TrustedCertificatesDirectory.
ds_ca_dir() {
    local dir="$DS_PREFIX/cacerts"
    if [ -f "$DS_CA_FILE" ] && [ ! -f "$dir/ca.pem" ]; then
        mkdir -p "$dir"
        cp "$DS_CA_FILE" "$dir/ca.pem"
        ln -sf ca.pem "$dir/$(openssl x509 -hash -noout -in "$DS_CA_FILE").0"
        chmod 755 "$dir"
        chmod 644 "$dir/ca.pem"
    fi
}

ds_start() {
    if ds_running; then return 0; fi
    if [ ! -f "$DS_PREFIX/.created" ]; then ds_create; fi
    make_traversable "$DS_PREFIX"
    if pid_alive "$DS_PID_FILE"; then
        log "directory: pid alive but port $DS_PORT silent; waiting"
    else
        rm -f "$DS_PID_FILE"
        # The listen host must be loopback (dscreate may rewrite dse.ldif).
        grep -q "^nsslapd-listenhost: $LOOPBACK" "$DS_CONF_DIR/dse.ldif" \
            || die "directory: dse.ldif lost nsslapd-listenhost: $LOOPBACK"
        log "directory: starting ns-slapd"
        /usr/sbin/ns-slapd -D "$DS_CONF_DIR" -i "$DS_PID_FILE" >"$DS_PREFIX/ns-slapd.out" 2>&1 9>&- \
            || die "directory: ns-slapd failed to start" "$(ds_log)"
    fi
    local i
    for i in $(seq 1 $((DS_START_TIMEOUT * 4))); do
        if ds_running; then
            log "directory: running (pid $(cat "$DS_PID_FILE"))"
            return 0
        fi
        # ns-slapd detaches at once and writes its pid file; when start-up fails the process ends.
        if { [ -f "$DS_PID_FILE" ] && ! pid_alive "$DS_PID_FILE"; } || { [ "$i" -gt 40 ] && [ ! -f "$DS_PID_FILE" ]; }; then
            die "directory: ns-slapd exited during start-up" "$(ds_log)"
        fi
        sleep 0.25
    done
    die "directory: no answer on $LOOPBACK:$DS_PORT after ${DS_START_TIMEOUT}s" "$(ds_log)"
}

ds_stop() {
    if pid_alive "$DS_PID_FILE"; then
        log "directory: stopping"
        local pid i
        pid="$(cat "$DS_PID_FILE")"
        kill "$pid" 2>/dev/null || true
        for i in $(seq 1 240); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        if kill -0 "$pid" 2>/dev/null; then die "directory: ns-slapd (pid $pid) did not stop" "$(ds_log)"; fi
    fi
    rm -f "$DS_PID_FILE"
    log "directory: stopped"
}

dm_ldap() {
    local tool="$1"; shift
    "$tool" -x -H "ldap://$LOOPBACK:$DS_PORT" -D "$DS_ADMIN_DN" -y "$SECRETS/directory-manager.password" "$@"
}

ds_exists() { dm_ldap ldapsearch -LLL -b "$1" -s base 1.1 >/dev/null 2>&1; }

gen_people() {
    local i uid
    for i in $(seq 1 "$DS_GENERATED_USERS"); do
        printf -v uid 'user%04d' "$i"
        printf 'dn: uid=%s,%s\nobjectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: inetOrgPerson\nuid: %s\ncn: Generated User %04d\nsn: User%04d\nmail: %s@example.com\n\n' \
            "$uid" "$DS_PEOPLE_BASE" "$uid" "$i" "$i" "$uid"
    done
}

gen_records() {
    local s
    for s in $(seq "$DS_GENERATED_RECORDS_FIRST" $((DS_GENERATED_RECORDS_FIRST + DS_GENERATED_RECORDS - 1))); do
        printf 'dn: cn=%s,%s\nobjectClass: top\nobjectClass: certificateRecord\ncn: %s\nserialno: %s\ncertStatus: VALID\nmetaInfo: requestId:%s\nmetaInfo: profileId:caFullCMCUserCert\n\n' \
            "$s" "$DS_CERT_REPO_BASE" "$s" "$s" "$s"
    done
}

ldap_add_all() {
    # -c: keep going over entries that already exist (a half-finished earlier load).
    local out="$DS_PREFIX/load.out" rc=0
    dm_ldap ldapadd -c >>"$out" 2>&1 || rc=$?
    case "$rc" in 0 | 68) ;; *) die "directory: loading entries failed (ldapadd rc=$rc)" "$out" ;; esac
}

# Applies ldif/90-acis.ldif (replace) when the ACIs in the directory differ from it, so a
# changed ACI file reaches an existing instance and an unchanged one costs two searches.
ds_ensure_acis() {
    local dn want have changed=0
    while read -r dn; do
        want="$(awk -v d="dn: $dn" 'BEGIN { RS = "" } index("\n" $0 "\n", "\n" d "\n") { print }' "$DS_ACI_LDIF" | grep '^aci: ' | sort || true)"
        have="$(dm_ldap ldapsearch -LLL -o ldif-wrap=no -b "$dn" -s base aci 2>/dev/null | grep '^aci: ' | sort || true)"
        [ "$want" = "$have" ] || changed=1
    done < <(sed -n 's/^dn: //p' "$DS_ACI_LDIF")
    if [ "$changed" = 1 ]; then
        log "directory: applying access rules (90-acis.ldif)"
        dm_ldap ldapmodify -f "$DS_ACI_LDIF" >"$DS_PREFIX/acis.out" 2>&1 \
            || die "directory: applying ACIs failed" "$DS_PREFIX/acis.out"
    fi
}

# The worker lists every outstanding token with paged searches (shrtok tokens, the token census;
# docs/token-lifecycle.md "Outstanding tokens"): past nsslapd-lookthroughlimit (5000) entries, or
# an index list longer than nsslapd-idlistscanlimit, 389 DS refuses such a search with
# adminLimitExceeded unless the bind's own limits for paged searches are lifted.
ds_ensure_worker_limits() {
    printf 'dn: %s\nchangetype: modify\nreplace: nsPagedLookThroughLimit\nnsPagedLookThroughLimit: -1\n-\nreplace: nsPagedIDListScanLimit\nnsPagedIDListScanLimit: -1\n' "$DS_WORKER_DN" \
        | dm_ldap ldapmodify >"$DS_PREFIX/limits.out" 2>&1 || die "directory: setting the worker's search limits failed" "$DS_PREFIX/limits.out"
}

# Adds the indexes of DS_RECORD_INDEXES that are missing, and builds them with a reindex task
# (online), waiting for it to end.
ds_ensure_indexes() {
    local a missing=() config="cn=ldbm database,cn=plugins,cn=config"
    for a in $DS_RECORD_INDEXES; do
        ds_exists "cn=${a%%:*},cn=index,cn=$DS_BACKEND,$config" || missing+=("$a")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    log "directory: indexing ${missing[*]}"
    for a in "${missing[@]}"; do
        printf 'dn: cn=%s,cn=index,cn=%s,%s\nobjectClass: top\nobjectClass: nsIndex\ncn: %s\nnsSystemIndex: false\n' \
            "${a%%:*}" "$DS_BACKEND" "$config" "${a%%:*}"
        tr ',' '\n' <<<"${a#*:}" | sed 's/^/nsIndexType: /'
        printf '\n'
    done | dm_ldap ldapadd -c >"$DS_PREFIX/index.out" 2>&1 || die "directory: adding indexes failed" "$DS_PREFIX/index.out"
    local task
    task="shrtok-reindex-$(date +%s)"
    {
        printf 'dn: cn=%s,cn=index,cn=tasks,cn=config\nobjectClass: top\nobjectClass: extensibleObject\ncn: %s\nnsInstance: %s\n' "$task" "$task" "$DS_BACKEND"
        for a in "${missing[@]}"; do printf 'nsIndexAttribute: %s\n' "$a"; done
    } | dm_ldap ldapadd >>"$DS_PREFIX/index.out" 2>&1 || die "directory: starting the reindex task failed" "$DS_PREFIX/index.out"
    local i code
    for i in $(seq 1 240); do
        code="$(dm_ldap ldapsearch -LLL -b "cn=$task,cn=index,cn=tasks,cn=config" -s base nsTaskExitCode 2>/dev/null | sed -n 's/^nsTaskExitCode: //p')"
        if [ -n "$code" ]; then
            [ "$code" = 0 ] || die "directory: reindex task ended with code $code" "$(ds_log)"
            return 0
        fi
        sleep 0.25
    done
    die "directory: reindex task $task did not finish within 60 s" "$(ds_log)"
}

ds_provision() {
    local t_marker r_marker
    t_marker="uid=user$(printf '%04d' "$DS_GENERATED_USERS"),$DS_PEOPLE_BASE"
    r_marker="cn=$((DS_GENERATED_RECORDS_FIRST + DS_GENERATED_RECORDS - 1)),$DS_CERT_REPO_BASE"
    local worker_pw
    worker_pw="$(secret_file directory-worker.password)"
    local schema
    schema="$(dm_ldap ldapsearch -LLL -o ldif-wrap=no -b cn=schema -s base attributeTypes objectClasses 2>/dev/null || true)"
    # The certificate record as Dogtag defines it (subjectName, dateOfCreate, revokedOn, ...): an
    # instance created before the lifecycle watcher has the short class and gets the full one.
    if ! grep -q "NAME 'certificateRecord'.*subjectName.*revokedOn" <<<"$schema" || ! grep -q "NAME 'shrTok'" <<<"$schema" \
        || ! grep -q "NAME 'metaInfo'" <<<"$schema" || ! grep -q "NAME 'dateOfCreate'" <<<"$schema" \
        || ! grep -q "NAME 'shrTokNotAfter'" <<<"$schema"; then
        log "directory: loading schema 60shrtok.ldif"
        dm_ldap ldapmodify -f "$HERE/schema/60shrtok.ldif" >"$DS_PREFIX/schema.out" 2>&1 \
            || die "directory: schema load failed" "$DS_PREFIX/schema.out"
    fi
    ds_ensure_indexes
    if ! ds_exists "$t_marker" || ! ds_exists "$r_marker" || ! ds_exists "$DS_WORKER_DN" || ! ds_exists "$DS_LIFECYCLE_DN"; then
        log "directory: loading tree and sample data"
        : >"$DS_PREFIX/load.out"
        local f
        for f in "$HERE"/ldif/*.ldif; do
            [ "$f" = "$DS_ACI_LDIF" ] || ldap_add_all <"$f"
        done
        gen_people | ldap_add_all
        gen_records | ldap_add_all
        ds_exists "$t_marker" || die "directory: $t_marker missing after load" "$DS_PREFIX/load.out"
        ds_exists "$r_marker" || die "directory: $r_marker missing after load" "$DS_PREFIX/load.out"
        log "directory: sample data loaded"
    fi
    ds_ensure_acis
    ds_ensure_worker_limits
    # Service account password: (re)set whenever the stored one does not bind.
    if ! ldapwhoami -x -H "ldap://$LOOPBACK:$DS_PORT" -D "$DS_WORKER_DN" -y "$worker_pw" >/dev/null 2>&1; then
        log "directory: setting password of $DS_WORKER_DN"
        printf 'dn: %s\nchangetype: modify\nreplace: userPassword\nuserPassword: %s\n' \
            "$DS_WORKER_DN" "$(cat "$worker_pw")" | dm_ldap ldapmodify >/dev/null \
            || die "directory: cannot set the worker's password"
        ldapwhoami -x -H "ldap://$LOOPBACK:$DS_PORT" -D "$DS_WORKER_DN" -y "$worker_pw" >/dev/null \
            || die "directory: worker cannot bind after password reset" "$(ds_log)"
    fi
}

# One 'status' line for the instance; exit 1 when it is not serving.
ds_status() {
    if ds_running; then
        status_line directory running "$(cat "$DS_PID_FILE")" "ldap://$LOOPBACK:$DS_PORT ldaps://$DS_HOST_NAME:$DS_SECURE_PORT"
    else
        status_line directory stopped - "ldap://$LOOPBACK:$DS_PORT"; return 1
    fi
}

# 'check' probes of the directory, bound as the worker's service account.
ds_check() {
    local wbind=(-x -H "ldap://$LOOPBACK:$DS_PORT" -D "$DS_WORKER_DN" -y "$SECRETS/directory-worker.password")
    # The bash -c scripts below expand their own arguments ("$@" = the bind options); the
    # search bases are spliced in from here.
    # shellcheck disable=SC2016 # "$(...)" and "$@" are the inner bash's
    check "directory: worker finds uid=jdoe" bash -c '[ "$(ldapsearch "$@" -LLL -b "'"$DS_PEOPLE_BASE"'" "(uid=jdoe)" 1.1 | grep -c "^dn:")" = 1 ]' _ "${wbind[@]}"
    # shellcheck disable=SC2016 # "$(...)" and "$@" are the inner bash's
    check "directory: worker sees two uid=dupuser" bash -c '[ "$(ldapsearch "$@" -LLL -b "'"$DS_PEOPLE_BASE"'" "(uid=dupuser)" 1.1 | grep -c "^dn:")" = 2 ]' _ "${wbind[@]}"
    check "directory: worker reads metaInfo of cn=6699" bash -c 'ldapsearch "$@" -LLL -b "cn=6699,'"$DS_CERT_REPO_BASE"'" -s base metaInfo | grep -q "^metaInfo: requestId:"' _ "${wbind[@]}"
    check "directory: worker may not change mail" refused bash -c 'printf "dn: uid=jdoe,%s\nchangetype: modify\nreplace: mail\nmail: x@example.com\n" "'"$DS_PEOPLE_BASE"'" | ldapmodify "$@"' _ "${wbind[@]}"
    check "directory: LDAPS localhost:$DS_SECURE_PORT verifies with ca.pem" env LDAPTLS_CACERT="$DS_CA_FILE" \
        ldapsearch -x -H "ldaps://$DS_HOST_NAME:$DS_SECURE_PORT" -b "" -s base 1.1
    check "directory: StartTLS on $DS_PORT verifies with ca.pem" env LDAPTLS_CACERT="$DS_CA_FILE" \
        ldapsearch -ZZ -x -H "ldap://$DS_HOST_NAME:$DS_PORT" -b "" -s base 1.1
}
