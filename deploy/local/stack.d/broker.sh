# shellcheck shell=bash
# broker: RabbitMQ from the Debian package, run from .state/rabbitmq (no init script, no
# systemd). Sourced by deploy/local/stack after common.sh and pki.sh.

# --- the broker: binaries, vhost, users (set through the management API) --------------------
RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_VHOST=shrtok
RMQ_ADMIN_USER=shrtok-admin
RMQ_WORKER_USER=shrtok-worker
RMQ_IDM_USER=shrtok-idm
RMQ_START_TIMEOUT=90

# --- the node: what would differ between the nodes of a cluster -------------------------------
# The node-level functions (rmq_env, rmq_configure, rmq_launch, rmq_wait, rmq_tls_listener,
# rmq_running, rmq_stop, rmq_status, rmq_tls_ensure) take the node from these variables only,
# and derive every file of the node from RMQ_DIR when they run.
RMQ_NODE=rabbit@localhost
RMQ_PORT=5672
RMQ_TLS_PORT=5671
RMQ_DIST_PORT=25672
RMQ_MGMT_PORT=15672
RMQ_PROM_PORT=15692
RMQ_DIR="$STATE/rabbitmq"
# The broker's TLS server pair, issued by the stack CA (pki.sh).
RMQ_TLS_CRT="$PKI/rabbitmq-server.crt"
RMQ_TLS_KEY="$PKI/rabbitmq-server.key"

# LOOPBACK as an Erlang tuple ({127,0,0,1}) for inet_dist_use_interface.
rmq_erl_ip() { printf '{%s}' "${LOOPBACK//./,}"; }

rmq_env() {
    # The /usr/sbin wrappers switch to the rabbitmq user (other HOME, other Erlang cookie):
    # call /usr/lib/rabbitmq/bin/* directly, with one HOME for server and CLI tools.
    export HOME="$RMQ_DIR/home"
    export RABBITMQ_NODENAME="$RMQ_NODE"
    export RABBITMQ_NODE_IP_ADDRESS="$LOOPBACK"
    export RABBITMQ_NODE_PORT="$RMQ_PORT"
    export RABBITMQ_DIST_PORT="$RMQ_DIST_PORT"
    export ERL_EPMD_ADDRESS="$LOOPBACK"
    export RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
    export RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    export RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
    export RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    export RABBITMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid"
    local dist_interface
    dist_interface="-kernel inet_dist_use_interface $(rmq_erl_ip)"
    export RABBITMQ_CTL_ERL_ARGS="$dist_interface"
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$dist_interface"
}

rmq_has_prometheus() { ls -d /usr/lib/rabbitmq/lib/rabbitmq_server-*/plugins/rabbitmq_prometheus-* >/dev/null 2>&1; }

# Server and TLS pair of the node: the stack CA and a certificate it signed.
rmq_tls_ensure() {
    stack_ca_ensure
    tls_server_cert "${RMQ_TLS_CRT%.crt}" localhost
}

rmq_configure() {
    mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
    chmod 700 "$RMQ_DIR/home"
    : >"$RMQ_DIR/rabbitmq-env.conf"
    local plugins="rabbitmq_management"
    {
        echo "listeners.tcp.default = $LOOPBACK:$RMQ_PORT"
        # AMQPS with the stack CA's server certificate; clients are not asked for a certificate
        # (they authenticate with user and password, as on 5672).
        echo "listeners.ssl.default = $LOOPBACK:$RMQ_TLS_PORT"
        echo "ssl_options.cacertfile = $STACK_CA_CRT"
        echo "ssl_options.certfile = $RMQ_TLS_CRT"
        echo "ssl_options.keyfile = $RMQ_TLS_KEY"
        echo "ssl_options.verify = verify_none"
        echo "ssl_options.fail_if_no_peer_cert = false"
        echo "management.tcp.ip = $LOOPBACK"
        echo "management.tcp.port = $RMQ_MGMT_PORT"
        echo "loopback_users.guest = true"
        # A fresh database gets the admin (administrator, full rights on the vhost) and the
        # vhost from here instead of guest/guest and "/".
        echo "default_user = $RMQ_ADMIN_USER"
        echo "default_pass = $(cat "$SECRETS/rabbitmq-admin.password")"
        echo "default_user_tags.administrator = true"
        echo "default_vhost = $RMQ_VHOST"
        echo "default_permissions.configure = .*"
        echo "default_permissions.read = .*"
        echo "default_permissions.write = .*"
    } >"$RMQ_DIR/rabbitmq.conf"
    chmod 600 "$RMQ_DIR/rabbitmq.conf"
    if rmq_has_prometheus; then
        plugins="$plugins,rabbitmq_prometheus"
        {
            echo "prometheus.tcp.ip = $LOOPBACK"
            echo "prometheus.tcp.port = $RMQ_PROM_PORT"
        } >>"$RMQ_DIR/rabbitmq.conf"
    fi
    echo "[$plugins]." >"$RMQ_DIR/enabled_plugins"
    echo "[{kernel, [{inet_dist_use_interface, $(rmq_erl_ip)}]}]." >"$RMQ_DIR/advanced.config"
}

rmq_running() { pid_alive "$RMQ_DIR/rabbitmq.pid" && port_open "$LOOPBACK" "$RMQ_PORT"; }

# Launches the node in the background and returns at once (the caller overlaps the directory's
# start-up with it); rmq_wait blocks until it serves.
rmq_launch() {
    rmq_env
    if rmq_running || pid_alive "$RMQ_DIR/launcher.pid"; then return 0; fi
    rm -f "$RMQ_DIR/rabbitmq.pid"
    rmq_configure
    log "broker: starting RabbitMQ"
    # 9>&-: a long-lived server must not inherit (and so hold) the stack's lock.
    nohup "$RMQ_BIN/rabbitmq-server" >"$RMQ_DIR/log/server.out" 2>&1 </dev/null 9>&- &
    echo $! >"$RMQ_DIR/launcher.pid"
}

# Ready = AMQP port open and the management API answering (it starts with the node). Polling
# with curl avoids a CLI Erlang VM per check (seconds each on a loaded machine).
rmq_wait() {
    rmq_env
    local i code
    for i in $(seq 1 $((RMQ_START_TIMEOUT * 4))); do
        if port_open "$LOOPBACK" "$RMQ_PORT"; then
            code="$(rmq_api GET whoami 2>/dev/null)" || code=000
            if [ "$code" != 000 ]; then
                log "broker: running (pid $(cat "$RMQ_DIR/rabbitmq.pid" 2>/dev/null || echo '?'))"
                return 0
            fi
        fi
        if ! pid_alive "$RMQ_DIR/launcher.pid" && ! pid_alive "$RMQ_DIR/rabbitmq.pid"; then
            die "broker: RabbitMQ exited during start-up" "$(rmq_log_file)"
        fi
        sleep 0.25
    done
    die "broker: not serving on $LOOPBACK:$RMQ_PORT after ${RMQ_START_TIMEOUT}s" "$(rmq_log_file)"
}

rmq_start() {
    rmq_tls_ensure
    rmq_launch
    rmq_wait
    rmq_tls_listener
}

# A node started before the stack had TLS (or with an older rabbitmq.conf) has no listener on
# the TLS port: add it to the running node instead of restarting it (tests of other suites may
# be using the broker); rabbitmq.conf, rewritten here, has it for every later start.
rmq_tls_listener() {
    rmq_env
    local i
    # A node booted from a rabbitmq.conf with the listener opens it with its other listeners:
    # give it a moment before deciding the listener is missing.
    for i in $(seq 1 20); do
        if port_open "$LOOPBACK" "$RMQ_TLS_PORT"; then return 0; fi
        if grep -q "^listeners.ssl.default" "$RMQ_DIR/rabbitmq.conf" 2>/dev/null && [ "$i" -lt 20 ]; then sleep 0.25; else break; fi
    done
    rmq_configure
    log "broker: adding the AMQPS listener $LOOPBACK:$RMQ_TLS_PORT to the running node"
    "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" eval "
        _ = ssl:start(),
        rabbit_networking:start_ssl_listener({\"$LOOPBACK\", $RMQ_TLS_PORT},
            [{cacertfile, \"$STACK_CA_CRT\"}, {certfile, \"$RMQ_TLS_CRT\"}, {keyfile, \"$RMQ_TLS_KEY\"},
             {verify, verify_none}, {fail_if_no_peer_cert, false}], 10)." >"$RMQ_DIR/tls-listener.out" 2>&1 \
        || die "broker: cannot add the AMQPS listener (restart the broker: stack stop broker; stack start broker)" "$RMQ_DIR/tls-listener.out"
    for i in $(seq 1 40); do
        if port_open "$LOOPBACK" "$RMQ_TLS_PORT"; then return 0; fi
        sleep 0.25
    done
    die "broker: AMQPS port $LOOPBACK:$RMQ_TLS_PORT not open" "$RMQ_DIR/tls-listener.out"
}

# The node's newest log file (RabbitMQ's own, in log/), else the launcher's output.
rmq_log_file() {
    local f newest=""
    for f in "$RMQ_DIR"/log/*.log; do
        [ -f "$f" ] || continue
        if [ -z "$newest" ] || [ "$f" -nt "$newest" ]; then newest="$f"; fi
    done
    printf '%s' "${newest:-$RMQ_DIR/log/server.out}"
}

rmq_stop() {
    rmq_env
    local pidf
    for pidf in "$RMQ_DIR/rabbitmq.pid" "$RMQ_DIR/launcher.pid"; do
        if pid_alive "$pidf"; then
            local pid i
            pid="$(cat "$pidf")"
            log "broker: stopping (pid $pid)"
            # The Erlang VM treats SIGTERM as a clean shutdown (init:stop), like rabbitmqctl stop.
            kill -TERM "$pid" 2>/dev/null || true
            for i in $(seq 1 240); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.25
            done
            if kill -0 "$pid" 2>/dev/null; then die "broker: RabbitMQ (pid $pid) did not stop" "$(rmq_log_file)"; fi
        fi
    done
    rm -f "$RMQ_DIR/rabbitmq.pid" "$RMQ_DIR/launcher.pid"
    # epmd outlives the node; the next start brings a fresh one bound to loopback.
    ERL_EPMD_ADDRESS="$LOOPBACK" epmd -kill >/dev/null 2>&1 || true
    log "broker: stopped"
}

# One 'status' line for the node; exit 1 when it is not serving.
rmq_status() {
    if rmq_running; then
        status_line broker running "$(cat "$RMQ_DIR/rabbitmq.pid")" "amqp://$LOOPBACK:$RMQ_PORT amqps://localhost:$RMQ_TLS_PORT management http://$LOOPBACK:$RMQ_MGMT_PORT"
    else
        status_line broker stopped - "amqp://$LOOPBACK:$RMQ_PORT"; return 1
    fi
}

# Management HTTP API as the admin user; credentials go through a curl config on stdin so they
# never show on a command line.
rmq_api() {
    local method="$1" path="$2" body="${3:-}"
    local pw
    pw="$(cat "$SECRETS/rabbitmq-admin.password")"
    local args=(-s -o /dev/null -w '%{http_code}' -K - -X "$method" -H 'content-type: application/json'
        "http://$LOOPBACK:$RMQ_MGMT_PORT/api/$path")
    # A body may hold a password too: it goes into the same config, escaped for curl's quoting.
    local esc="${body//\\/\\\\}"
    esc="${esc//\"/\\\"}"
    {
        printf 'user = "%s:%s"\n' "$RMQ_ADMIN_USER" "$pw"
        if [ -n "$body" ]; then printf 'data-binary = "%s"\n' "$esc"; fi
    } | curl "${args[@]}"
}

rmq_put() {
    local code
    code="$(rmq_api PUT "$1" "$2")"
    case "$code" in
        2??) ;;
        *) die "broker: PUT /api/$1 answered HTTP $code" ;;
    esac
}

rmq_provision() {
    rmq_env
    local admin_pw worker_pw idm_pw
    admin_pw="$(secret_file rabbitmq-admin.password)"
    worker_pw="$(secret_file rabbitmq-worker.password)"
    idm_pw="$(secret_file rabbitmq-idm.password)"
    local code
    code="$(rmq_api GET whoami)" || code=000
    if [ "$code" != 200 ]; then
        log "broker: creating admin user $RMQ_ADMIN_USER"
        "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" delete_user "$RMQ_ADMIN_USER" >/dev/null 2>&1 || true
        # rabbitmqctl reads the password from stdin when the argument is absent.
        "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" add_user "$RMQ_ADMIN_USER" <"$admin_pw" >/dev/null \
            || die "broker: cannot create admin user"
        "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" set_user_tags "$RMQ_ADMIN_USER" administrator >/dev/null
        "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" delete_user guest >/dev/null 2>&1 || true
        code="$(rmq_api GET whoami)"
        [ "$code" = 200 ] || die "broker: admin user cannot use the management API (HTTP $code)" "$(rmq_log_file)"
    fi
    rmq_put "vhosts/$RMQ_VHOST" '{"description":"SharedSecretWorker local stack"}'
    rmq_put "permissions/$RMQ_VHOST/$RMQ_ADMIN_USER" '{"configure":".*","write":".*","read":".*"}'
    rmq_put "users/$RMQ_WORKER_USER" "{\"password\":\"$(cat "$worker_pw")\",\"tags\":\"\"}"
    rmq_put "permissions/$RMQ_VHOST/$RMQ_WORKER_USER" \
        '{"configure":"^(shrtok\\..*|amq\\.gen-.*)$","write":"^(shrtok\\..*|amq\\.gen-.*)$","read":"^(shrtok\\..*|amq\\.gen-.*)$"}'
    rmq_put "users/$RMQ_IDM_USER" "{\"password\":\"$(cat "$idm_pw")\",\"tags\":\"\"}"
    # The IdM user may also publish on the results exchange, but (topic permission) only the
    # batch.* events that shrtok batch sends when it has seen a batch's last result.
    rmq_put "permissions/$RMQ_VHOST/$RMQ_IDM_USER" \
        '{"configure":"^amq\\.gen-.*$","write":"^(shrtok\\.requests|shrtok\\.results|amq\\.gen-.*)$","read":"^(shrtok\\.results|amq\\.gen-.*)$"}'
    rmq_put "topic-permissions/$RMQ_VHOST/$RMQ_IDM_USER" \
        '{"exchange":"shrtok.results","write":"^batch\\.","read":".*"}'
    log "broker: vhost $RMQ_VHOST, users $RMQ_ADMIN_USER, $RMQ_WORKER_USER, $RMQ_IDM_USER ready"
}

# 'check' probes of the broker, with the accounts the worker and the IdM use.
rmq_check() {
    rmq_env
    local ctl=("$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE")
    check "broker: management API as $RMQ_ADMIN_USER" test "$(rmq_api GET "vhosts/$RMQ_VHOST")" = 200
    check "broker: $RMQ_WORKER_USER authenticates" "${ctl[@]}" authenticate_user "$RMQ_WORKER_USER" <"$SECRETS/rabbitmq-worker.password"
    # shellcheck disable=SC2016 # $1 and $2 are expanded by the inner bash (its arguments)
    check "broker: AMQPS localhost:$RMQ_TLS_PORT verifies with pki/ca.crt" bash -c \
        'openssl s_client -connect "localhost:$1" -servername localhost -CAfile "$2" -verify_return_error -verify_hostname localhost </dev/null 2>&1 | grep -q "Verify return code: 0 (ok)"' _ "$RMQ_TLS_PORT" "$STACK_CA_CRT"
    check "broker: $RMQ_IDM_USER authenticates" "${ctl[@]}" authenticate_user "$RMQ_IDM_USER" <"$SECRETS/rabbitmq-idm.password"
}
