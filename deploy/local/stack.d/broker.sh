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

# --- the node: what differs between the nodes of a cluster -----------------------------------
# The node-level functions (rmq_env, rmq_configure, rmq_launch, rmq_wait, rmq_tls_listener,
# rmq_running, rmq_node_stop, rmq_node_status, rmq_tls_ensure) take the node from these variables
# only, and derive every file of the node from RMQ_DIR when they run. rmq_node N selects node N.
# Node 1 is the node of a one-node stack, unchanged (name, ports, .state/rabbitmq): growing a stack
# to a cluster keeps its data and its addresses.
RMQ_NODE=rabbit@localhost
RMQ_PORT=5672
RMQ_TLS_PORT=5671
RMQ_DIST_PORT=25672
RMQ_MGMT_PORT=15672
RMQ_PROM_PORT=15692
RMQ_DIR="$STATE/rabbitmq"
RMQ_NODE_NUMBER=1
# The broker's TLS server pair, issued by the stack CA (pki.sh); every node serves the same pair.
RMQ_TLS_CRT="$PKI/rabbitmq-server.crt"
RMQ_TLS_KEY="$PKI/rabbitmq-server.key"

# --- the cluster: how many nodes, and where node N is --------------------------------------------
# 'up --broker-nodes N' (1..RMQ_MAX_NODES) writes the count to RMQ_COUNT_FILE; every later command
# (up, status, stop/start broker, broker-node) reads it; 'down --purge' removes it (1 again).
# Node N > 1: shrtok-rmqN@localhost, .state/rabbitmq-N, each of node 1's ports + 100 * (N - 1)
# (node 2: AMQP 5772, AMQPS 5771, management 15772, Prometheus 15792, distribution 25772).
RMQ_MAX_NODES=3
RMQ_PORT_STEP=100
RMQ_COUNT_FILE="$STATE/broker-nodes"
RMQ_NODE1=("$RMQ_NODE" "$RMQ_PORT" "$RMQ_TLS_PORT" "$RMQ_DIST_PORT" "$RMQ_MGMT_PORT" "$RMQ_PROM_PORT" "$RMQ_DIR")

# Selects node N for the node-level functions.
rmq_node() {
    local n="$1" off=$((($1 - 1) * RMQ_PORT_STEP))
    RMQ_NODE_NUMBER="$n"
    if [ "$n" = 1 ]; then
        RMQ_NODE="${RMQ_NODE1[0]}"
        RMQ_DIR="${RMQ_NODE1[6]}"
    else
        RMQ_NODE="shrtok-rmq$n@localhost"
        RMQ_DIR="$STATE/rabbitmq-$n"
    fi
    RMQ_PORT=$((RMQ_NODE1[1] + off))
    RMQ_TLS_PORT=$((RMQ_NODE1[2] + off))
    RMQ_DIST_PORT=$((RMQ_NODE1[3] + off))
    RMQ_MGMT_PORT=$((RMQ_NODE1[4] + off))
    RMQ_PROM_PORT=$((RMQ_NODE1[5] + off))
}

# The number of nodes the stack has (1 until 'up --broker-nodes N' says otherwise).
rmq_count() {
    local n=1
    if [ -s "$RMQ_COUNT_FILE" ]; then n="$(cat "$RMQ_COUNT_FILE")"; fi
    case "$n" in
        [1-9]) printf '%s' "$n" ;;
        *) die "broker: $RMQ_COUNT_FILE holds '$n', not a node count" ;;
    esac
}

# Checks a node count given on the command line.
rmq_count_arg() {
    case "${1:-}" in
        [1-9]) [ "$1" -le "$RMQ_MAX_NODES" ] && return 0 ;;
    esac
    die "--broker-nodes takes 1 to $RMQ_MAX_NODES, not '${1:-}'"
}

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

# The nodes of a cluster share one Erlang cookie, node 1's: made here before any node first
# starts (RabbitMQ would make one per node), copied into the other nodes' HOME.
rmq_cookie() {
    local first="${RMQ_NODE1[6]}/home/.erlang.cookie" mine="$RMQ_DIR/home/.erlang.cookie"
    if [ ! -s "$first" ]; then
        mkdir -p "${first%/*}"
        chmod 700 "${first%/*}"
        (umask 077; openssl rand -hex 20 | tr -d '\n' | tr a-f A-F >"$first")
        chmod 400 "$first"
    fi
    if [ "$mine" != "$first" ] && ! cmp -s "$first" "$mine"; then
        rm -f "$mine"
        cp "$first" "$mine"
        chmod 400 "$mine"
    fi
}

rmq_configure() {
    mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
    chmod 700 "$RMQ_DIR/home"
    rmq_cookie
    : >"$RMQ_DIR/rabbitmq-env.conf"
    # The consistent-hash exchange type on every node (a cluster's nodes need the same plugins).
    local plugins="rabbitmq_management,rabbitmq_consistent_hash_exchange"
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
    # quorum_cluster_size: a new quorum queue gets a member on this many nodes (fewer when the
    # cluster has fewer), so that on three nodes every quorum queue has one on each. Set here
    # because RabbitMQ 3.10 has no rabbitmq.conf key for it (not in its schema) and no policy for
    # it either (only the queue argument x-quorum-initial-group-size, which the worker does not
    # set). 3 is also 3.10's built-in default: written down so that it does not depend on that.
    echo "[{kernel, [{inet_dist_use_interface, $(rmq_erl_ip)}]}, {rabbit, [{quorum_cluster_size, 3}]}]." >"$RMQ_DIR/advanced.config"
}

rmq_running() { pid_alive "$RMQ_DIR/rabbitmq.pid" && port_open "$LOOPBACK" "$RMQ_PORT"; }

# Launches the node in the background and returns at once (the caller overlaps the directory's
# start-up with it); rmq_wait blocks until it serves.
rmq_launch() {
    rmq_env
    if rmq_running || pid_alive "$RMQ_DIR/launcher.pid"; then return 0; fi
    rm -f "$RMQ_DIR/rabbitmq.pid"
    rmq_configure
    log "broker: starting RabbitMQ node $RMQ_NODE"
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
                log "broker: $RMQ_NODE running (pid $(cat "$RMQ_DIR/rabbitmq.pid" 2>/dev/null || echo '?'))"
                return 0
            fi
        fi
        if ! pid_alive "$RMQ_DIR/launcher.pid" && ! pid_alive "$RMQ_DIR/rabbitmq.pid"; then
            die "broker: RabbitMQ node $RMQ_NODE exited during start-up" "$(rmq_log_file)"
        fi
        sleep 0.25
    done
    die "broker: not serving on $LOOPBACK:$RMQ_PORT after ${RMQ_START_TIMEOUT}s" "$(rmq_log_file)"
}

# Starts the node selected (rmq_node) and waits until it serves.
rmq_node_start() {
    rmq_tls_ensure
    rmq_launch
    rmq_wait
    rmq_tls_listener
}

# Every node of the stack is launched together (a cluster node that was stopped with the others
# waits at boot for its peers), then waited for one by one.
rmq_launch_all() {
    local n
    rmq_tls_ensure
    for n in $(seq 1 "$(rmq_count)"); do rmq_node "$n"; rmq_launch; done
    rmq_node 1
}

rmq_wait_all() {
    local n
    for n in $(seq 1 "$(rmq_count)"); do rmq_node "$n"; rmq_wait; rmq_tls_listener; rmq_plugins_live; done
    rmq_node 1
}

# A node started before the stack enabled the consistent-hash exchange (enabled_plugins is only
# written when a node starts) gets the plugin enabled while it runs, as the AMQPS listener above.
rmq_plugins_live() {
    local types="$RMQ_DIR/exchange-types.json"
    if [ "$(RMQ_API_OUT="$types" rmq_api GET overview)" = 200 ] && grep -q '"x-consistent-hash"' "$types"; then
        rm -f "$types"
        return 0
    fi
    rm -f "$types"
    log "broker: enabling rabbitmq_consistent_hash_exchange on the running node $RMQ_NODE"
    rmq_env
    "$RMQ_BIN/rabbitmq-plugins" -q -n "$RMQ_NODE" enable rabbitmq_consistent_hash_exchange >"$RMQ_DIR/plugins.out" 2>&1 \
        || die "broker: cannot enable rabbitmq_consistent_hash_exchange on $RMQ_NODE" "$RMQ_DIR/plugins.out"
}

# 'start broker': every node.
rmq_start() {
    rmq_launch_all
    rmq_wait_all
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

# Stops the node selected (rmq_node); the others and epmd keep running.
rmq_node_stop() {
    rmq_env
    local pidf
    for pidf in "$RMQ_DIR/rabbitmq.pid" "$RMQ_DIR/launcher.pid"; do
        if pid_alive "$pidf"; then
            local pid i
            pid="$(cat "$pidf")"
            log "broker: stopping $RMQ_NODE (pid $pid)"
            # The Erlang VM treats SIGTERM as a clean shutdown (init:stop), like rabbitmqctl stop.
            kill -TERM "$pid" 2>/dev/null || true
            for i in $(seq 1 240); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.25
            done
            if kill -0 "$pid" 2>/dev/null; then die "broker: RabbitMQ node $RMQ_NODE (pid $pid) did not stop" "$(rmq_log_file)"; fi
        fi
    done
    rm -f "$RMQ_DIR/rabbitmq.pid" "$RMQ_DIR/launcher.pid"
    log "broker: $RMQ_NODE stopped"
}

# Is any node of the stack (whatever the count says) still running?
rmq_any_running() {
    local n
    for n in $(seq 1 "$RMQ_MAX_NODES"); do
        rmq_node "$n"
        if pid_alive "$RMQ_DIR/rabbitmq.pid" || pid_alive "$RMQ_DIR/launcher.pid"; then rmq_node 1; return 0; fi
    done
    rmq_node 1
    return 1
}

# epmd outlives the nodes and serves all of them: stopped only once the last node has stopped (the
# next start brings a fresh one bound to loopback).
rmq_epmd_stop_if_idle() {
    if ! rmq_any_running; then
        ERL_EPMD_ADDRESS="$LOOPBACK" epmd -kill >/dev/null 2>&1 || true
    fi
}

# Stops every node (also one left over beyond the count), then epmd. The nodes are all told at
# once (SIGTERM, a clean shutdown), then waited for one by one: a third of the time of one by one.
rmq_stop() {
    local n
    for n in $(seq "$RMQ_MAX_NODES" -1 1); do
        rmq_node "$n"
        if pid_alive "$RMQ_DIR/rabbitmq.pid"; then
            log "broker: stopping $RMQ_NODE (pid $(cat "$RMQ_DIR/rabbitmq.pid"))"
            kill -TERM "$(cat "$RMQ_DIR/rabbitmq.pid")" 2>/dev/null || true
        fi
    done
    for n in $(seq "$RMQ_MAX_NODES" -1 1); do
        rmq_node "$n"
        rmq_node_stop
    done
    rmq_node 1
    rmq_epmd_stop_if_idle
    log "broker: stopped"
}

# 'broker-node stop|start N': one node, the others untouched.
rmq_one_node() {
    local verb="$1" n="$2" count
    count="$(rmq_count)"
    case "$n" in
        [1-9]) [ "$n" -le "$count" ] || die "broker-node: the stack has $count broker node(s), no node $n" ;;
        *) die "broker-node: N is a node number (1..$count), not '$n'" ;;
    esac
    rmq_node "$n"
    case "$verb" in
        stop) rmq_node_stop; rmq_epmd_stop_if_idle ;;
        start) rmq_node_start ;;
    esac
    rmq_node 1
}

# One 'status' line for the node selected; exit 1 when it is not serving. A one-node stack's line
# is 'broker'; a cluster's are broker1, broker2, ... with the node names.
rmq_node_status() {
    local name=broker what=""
    if [ "$(rmq_count)" -gt 1 ]; then name="broker$RMQ_NODE_NUMBER"; what="$RMQ_NODE "; fi
    if rmq_running; then
        status_line "$name" running "$(cat "$RMQ_DIR/rabbitmq.pid")" "${what}amqp://$LOOPBACK:$RMQ_PORT amqps://localhost:$RMQ_TLS_PORT management http://$LOOPBACK:$RMQ_MGMT_PORT"
    else
        status_line "$name" stopped - "${what}amqp://$LOOPBACK:$RMQ_PORT"; return 1
    fi
}

# The 'status' lines of the broker: each node, and for a cluster what 'rabbitmqctl cluster_status'
# of a running node says (members, running members). Exit 1 when a node or a member is down.
rmq_status() {
    local n count rc=0 asked=""
    count="$(rmq_count)"
    for n in $(seq 1 "$count"); do
        rmq_node "$n"
        if rmq_node_status; then
            if [ -z "$asked" ]; then asked="$n"; fi
        else
            rc=1
        fi
    done
    if [ "$count" -gt 1 ]; then
        if [ -z "$asked" ]; then
            status_line cluster down - "no node running"
        else
            rmq_node "$asked"
            rmq_env
            local summary
            if summary="$(rmq_ctl cluster_status --formatter json 2>/dev/null | rmq_cluster_summary)"; then
                # summary: RUNNING MEMBERS then the running node names
                local running members
                read -r running members _ <<<"$summary"
                local health=ok
                if [ "$running" != "$count" ] || [ "$members" != "$count" ]; then health=degraded; rc=1; fi
                status_line cluster "$health" - "$running/$members nodes running (of $count), asked $RMQ_NODE: ${summary#* * }"
            else
                status_line cluster unknown - "rabbitmqctl cluster_status failed on $RMQ_NODE"; rc=1
            fi
        fi
    fi
    rmq_node 1
    return "$rc"
}

# rabbitmqctl cluster_status --formatter json on stdin -> "RUNNING MEMBERS name name ..."
rmq_cluster_summary() {
    python3 -c '
import json, sys
s = json.load(sys.stdin)
running = s.get("running_nodes", [])
members = s.get("disk_nodes", []) + s.get("ram_nodes", [])
print(len(running), len(members), " ".join(sorted(running)))'
}

# rabbitmqctl on the node selected, as the stack runs it (HOME with the cluster's cookie).
rmq_ctl() { "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" "$@"; }

# Nodes 2..count join node 1's cluster: stop_app, reset (a fresh node's own database), join_cluster,
# start_app. A node already a member is left alone, so 'up' can run again. A node that joins a
# cluster whose quorum queues were made before it gets a member of each (rabbitmq-queues grow).
rmq_cluster() {
    local count n members
    count="$(rmq_count)"
    [ "$count" -gt 1 ] || return 0
    rmq_node 1
    rmq_env
    members="$(rmq_ctl eval 'rabbit_mnesia:cluster_nodes(all).')" || die "broker: cannot ask $RMQ_NODE for its cluster's members"
    for n in $(seq 2 "$count"); do
        rmq_node "$n"
        case "$members" in *"'$RMQ_NODE'"*) continue ;; esac
        rmq_env
        log "broker: $RMQ_NODE joins the cluster of ${RMQ_NODE1[0]}"
        {
            rmq_ctl stop_app && rmq_ctl reset && rmq_ctl join_cluster "${RMQ_NODE1[0]}" && rmq_ctl start_app
        } >"$RMQ_DIR/join.out" 2>&1 || die "broker: $RMQ_NODE cannot join ${RMQ_NODE1[0]}" "$RMQ_DIR/join.out"
        rmq_wait
        rmq_tls_listener
        "$RMQ_BIN/rabbitmq-queues" -q -n "$RMQ_NODE" grow "$RMQ_NODE" all >>"$RMQ_DIR/join.out" 2>&1 \
            || die "broker: cannot add members on $RMQ_NODE to the quorum queues" "$RMQ_DIR/join.out"
    done
    rmq_node 1
}

# Node N leaves the cluster for good (up --broker-nodes with fewer nodes): its quorum queue members
# are removed while the cluster still has a majority (rabbitmq-queues shrink), then the node resets
# (leaving the cluster) and stops, and its directory is deleted.
rmq_leave() {
    rmq_node "$1"
    [ -d "$RMQ_DIR" ] || { rmq_node 1; return 0; }
    if ! rmq_running; then rmq_node_start; fi
    rmq_env
    log "broker: $RMQ_NODE leaves the cluster"
    {
        "$RMQ_BIN/rabbitmq-queues" -q -n "$RMQ_NODE" shrink "$RMQ_NODE" && rmq_ctl stop_app && rmq_ctl reset
    } >"$RMQ_DIR/leave.out" 2>&1 || die "broker: $RMQ_NODE cannot leave the cluster" "$RMQ_DIR/leave.out"
    rmq_node_stop
    rm -rf "$RMQ_DIR"
    rmq_node 1
}

# 'up' for the broker, in two halves so that the nodes boot while the directory is made:
# rmq_up_launch WANT starts the nodes; rmq_up_finish WANT waits for them, forms the cluster, makes
# users and vhost (once, through node 1: the cluster shares them) and lets surplus nodes leave.
# WANT: the --broker-nodes count, or empty for the count the state has. Growing writes the new
# count first (a failure half-way still leaves every node known to stop/down); shrinking writes it
# once the surplus nodes have left.
rmq_up_launch() {
    local want="$1" have
    have="$(rmq_count)"
    [ -n "$want" ] || want="$have"
    if [ "$want" -gt "$have" ]; then printf '%s\n' "$want" >"$RMQ_COUNT_FILE"; fi
    if [ "$want" != "$have" ]; then log "broker: $want node(s) instead of $have"; fi
    rmq_launch_all
}

rmq_up_finish() {
    local want="$1" have n
    have="$(rmq_count)"
    [ -n "$want" ] || want="$have"
    rmq_wait_all
    rmq_cluster
    rmq_provision
    if [ "$want" -lt "$have" ]; then
        for n in $(seq "$have" -1 $((want + 1))); do rmq_leave "$n"; done
        printf '%s\n' "$want" >"$RMQ_COUNT_FILE"
    fi
    # A one-node stack has no count file, as before clusters.
    if [ "$want" = 1 ]; then rm -f "$RMQ_COUNT_FILE"; fi
}

# 'broker-leader QUEUE': the number of the node that leads the quorum queue QUEUE (vhost shrtok).
rmq_leader() {
    local queue="$1" count n asked="" out leader
    count="$(rmq_count)"
    for n in $(seq 1 "$count"); do
        rmq_node "$n"
        if rmq_running; then asked="$n"; break; fi
    done
    [ -n "$asked" ] || die "broker-leader: no broker node is running"
    rmq_env
    out="$("$RMQ_BIN/rabbitmq-queues" -q -n "$RMQ_NODE" quorum_status "$queue" --vhost "$RMQ_VHOST" --formatter json 2>&1)" \
        || die "broker-leader: rabbitmq-queues quorum_status $queue failed on $RMQ_NODE: $out"
    leader="$(python3 -c '
import json, sys
for member in json.loads(sys.argv[1]):
    if member.get("Raft State") == "leader":
        print(member.get("Node Name")); break' "$out")" || die "broker-leader: cannot read quorum_status: $out"
    [ -n "$leader" ] || die "broker-leader: queue $queue has no leader now"
    for n in $(seq 1 "$RMQ_MAX_NODES"); do
        rmq_node "$n"
        if [ "$RMQ_NODE" = "$leader" ]; then printf '%s\n' "$n"; rmq_node 1; return 0; fi
    done
    die "broker-leader: the leader $leader is no node of this stack"
}

# Management HTTP API of the node selected, as the admin user (the body of the answer goes to
# RMQ_API_OUT when set, else nowhere; the HTTP status is printed); credentials go through a curl config on stdin so they
# never show on a command line.
rmq_api() {
    local method="$1" path="$2" body="${3:-}"
    local pw
    pw="$(cat "$SECRETS/rabbitmq-admin.password")"
    local args=(-s -o "${RMQ_API_OUT:-/dev/null}" -w '%{http_code}' -K - -X "$method" -H 'content-type: application/json'
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
    rmq_node 1
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
    # The audit trail's retention (docs/audit.md, docs/operations.md "Audit trail"): a policy, not a
    # queue argument, so that it can be changed on the running stream. 400 days keep a year's records
    # for a yearly review with a month to spare; the broker drops whole segments once all their records
    # are older, so 50 MB segments (the default is 500 MB) keep the trail close to its age limit.
    # PUT replaces the policy with the same name: running this again changes nothing.
    rmq_put "policies/$RMQ_VHOST/shrtok-audit" \
        '{"pattern":"^shrtok\\.audit$","apply-to":"queues","priority":10,"definition":{"max-age":"400D","stream-max-segment-size-bytes":52428800}}'
    log "broker: vhost $RMQ_VHOST, users $RMQ_ADMIN_USER, $RMQ_WORKER_USER, $RMQ_IDM_USER, audit retention policy ready"
}

# 'check' probes of the broker, with the accounts the worker and the IdM use.
rmq_check() {
    rmq_node 1
    rmq_env
    local ctl=("$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE")
    check "broker: management API as $RMQ_ADMIN_USER" test "$(rmq_api GET "vhosts/$RMQ_VHOST")" = 200
    check "broker: $RMQ_WORKER_USER authenticates" "${ctl[@]}" authenticate_user "$RMQ_WORKER_USER" <"$SECRETS/rabbitmq-worker.password"
    # shellcheck disable=SC2016 # $1 and $2 are expanded by the inner bash (its arguments)
    check "broker: AMQPS localhost:$RMQ_TLS_PORT verifies with pki/ca.crt" bash -c \
        'openssl s_client -connect "localhost:$1" -servername localhost -CAfile "$2" -verify_return_error -verify_hostname localhost </dev/null 2>&1 | grep -q "Verify return code: 0 (ok)"' _ "$RMQ_TLS_PORT" "$STACK_CA_CRT"
    check "broker: $RMQ_IDM_USER authenticates" "${ctl[@]}" authenticate_user "$RMQ_IDM_USER" <"$SECRETS/rabbitmq-idm.password"
    local count n
    count="$(rmq_count)"
    [ "$count" -gt 1 ] || return 0
    for n in $(seq 2 "$count"); do
        rmq_node "$n"
        check "broker: node $n ($RMQ_NODE) serves AMQP $LOOPBACK:$RMQ_PORT" port_open "$LOOPBACK" "$RMQ_PORT"
        check "broker: $RMQ_WORKER_USER authenticates on $RMQ_NODE" "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" authenticate_user "$RMQ_WORKER_USER" <"$SECRETS/rabbitmq-worker.password"
    done
    rmq_node 1
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash (its argument)
    check "broker: cluster_status lists $count running nodes" bash -c \
        'test "$(python3 -c "import json,sys; print(len(json.load(sys.stdin)[\"running_nodes\"]))")" = "$1"' _ "$count" \
        < <(rmq_ctl cluster_status --formatter json 2>/dev/null)
}
