#!/usr/bin/env bash
# The board server under the attacks that need a process or a database of
# their own (issue 10; the others are in tests/test_server_attacks.c):
#  1. descriptors: the soft limit of open files is raised to the hard one;
#     with few descriptors, --max-connections is lowered to what fits, and
#     300 idle connections neither make the server spin nor flood its log,
#     and a voter is served once the idle ones are cut;
#  2. PostgreSQL restarted under a running server: the next requests
#     reconnect (reads and writes), and the board still verifies.
set -u
. "$(dirname "$0")/lib.sh"
L=${CNS_BENCH:?CNS_BENCH is the folder of the load client}/load
QUESTIONS=$TD/belenios-2.0-ff/questions.json
PIDS=()
PGDATA_DIR=
cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    if [ -n "$PGDATA_DIR" ]; then as_pg "$PGCTL" -D "$PGDATA_DIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$PGDATA_DIR"; fi
    rm -rf "$T"
}
trap cleanup EXIT

# election DIR VOTERS: a ristretto255 election with one trustee, and its ballots.
election() {
    local dir=$1 n=$2 uuid i
    mkdir -p "$dir"
    uuid=$("$C" uuid)
    "$C" credentials --uuid "$uuid" --count "$n" --group ristretto255 --dir "$dir" >>"$T/log" 2>&1 &&
        "$C" trustee keygen --group ristretto255 --dir "$dir" >>"$T/log" 2>&1 &&
        cat "$dir"/*.pubkey >"$dir/public_keys.jsons" &&
        "$C" trustee make --group ristretto255 --dir "$dir" >>"$T/log" 2>&1 &&
        "$C" election-make --uuid "$uuid" --group ristretto255 --template "$QUESTIONS" --dir "$dir" >>"$T/log" 2>&1 || return 1
    for ((i = 0; i < n; i++)); do echo '[[1,0,0],[0,1,0,0,0]]'; done >"$dir/choices.txt"
    "$C" ballot --dir "$dir" --privcred "$dir/private_creds.txt" --choices "$dir/choices.txt" >"$dir/ballots.jsonl" 2>>"$T/log"
}
uuid_of() { grep -o '"uuid":"[^"]*"' "$1/election.json" | cut -d'"' -f4; }

# serve NAME PREFIX… -- ARGS…: start `PREFIX consulta serve ARGS` in the background, wait for its port.
serve() {
    local name=$1 i pre=()
    shift
    while [ "$1" != "--" ]; do pre+=("$1"); shift; done
    shift
    rm -f "$T/$name.port"
    "${pre[@]}" "$C" serve --port 0 --port-file "$T/$name.port" "$@" >>"$T/$name.log" 2>&1 &
    eval "${name}_pid=$!"
    PIDS+=($!)
    for ((i = 0; i < 600; i++)); do
        [ -s "$T/$name.port" ] && { eval "${name}_port=$(cat "$T/$name.port")"; return 0; }
        sleep 0.1
    done
    fail "server $name did not start: $(tail -3 "$T/$name.log")"
    return 1
}

# cpu_ticks PID: user + system clock ticks the process used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# 1. descriptors ---------------------------------------------------------------------
descriptors() {
    local dir=$T/fd url soft before after fds=() i took start
    election "$dir" 4 || { fail "fd: election setup: $(tail -3 "$T/log")"; return; }
    check "fd: serve --init" "$C" serve --init --dir "$dir" --no-voter-auth
    # soft 256, hard 2048: raised to 2048
    serve r prlimit --nofile=256:2048 -- --dir "$dir" || return
    soft=$(awk '/Max open files/ {print $4}' "/proc/$r_pid/limits")
    equal "the soft limit of open files raised to the hard one" "$soft" 2048
    kill "$r_pid"; wait "$r_pid" 2>/dev/null
    # 200 descriptors at most: 1024 connections do not fit
    serve s prlimit --nofile=200:200 -- --dir "$dir" --threads 4 --max-connections 1024 --request-timeout 2 || return
    url=http://127.0.0.1:$s_port/elections/$(uuid_of "$dir")
    if grep -q "200 open files allowed: at most 120 connections (not 1024)" "$T/s.log"; then pass; else fail "no clamp: $(cat "$T/s.log")"; fi
    # 300 idle connections, more than fit
    for ((i = 0; i < 300; i++)); do
        exec {fd}<>"/dev/tcp/127.0.0.1/$s_port" && fds+=("$fd")
    done
    before=$(cpu_ticks "$s_pid")
    sleep 3
    after=$(cpu_ticks "$s_pid")
    # at 100 ticks a second, spinning would be ~300 ticks (two cores: up to 600)
    if [ $((after - before)) -lt 100 ]; then pass; else fail "the server spun: $((after - before)) ticks in 3 s"; fi
    start=$(date +%s)
    if "$L" req GET "$url/head" - - | grep -q '^200 '; then pass; else fail "a voter was not served with 300 idle connections open"; fi
    took=$(($(date +%s) - start))
    if [ "$took" -le 15 ]; then pass; else fail "a voter waited $took s"; fi
    for fd in "${fds[@]}"; do exec {fd}>&-; done
    local size
    size=$(stat -c %s "$T/s.log")
    if [ "$size" -lt 65536 ]; then pass; else fail "the log grew to $size bytes"; fi
    echo "   300 idle connections on 120 slots: $((after - before)) CPU ticks in 3 s, a voter served in ${took} s, log $size bytes"
    kill "$s_pid"; wait "$s_pid" 2>/dev/null
}

# 2. PostgreSQL restarted ------------------------------------------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PGCTL=$PGBIN/pg_ctl
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_restart() {
    local dir=$T/pg url db
    if [ ! -x "$PGBIN/initdb" ]; then fail "postgresql: no initdb in /usr/lib/postgresql"; return; fi
    PGDATA_DIR=$(mktemp -d /tmp/cns-pg-XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA_DIR"
    local opts="-k $PGDATA_DIR -c listen_addresses='' -c max_connections=20"
    as_pg "$PGBIN/initdb" -D "$PGDATA_DIR/data" --auth=trust -U consulta >>"$T/log" 2>&1 &&
        as_pg "$PGCTL" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/log" -w -o "$opts" start >>"$T/log" 2>&1 &&
        as_pg "$PGBIN/createdb" -h "$PGDATA_DIR" -U consulta board >>"$T/log" 2>&1 ||
        { fail "postgresql: cannot start it: $(tail -3 "$T/log")"; return; }
    db="host=$PGDATA_DIR dbname=board user=consulta"
    election "$dir" 6 || { fail "pg: election setup"; return; }
    check "pg: serve --init" "$C" serve --init --dir "$dir" --db "$db" --no-voter-auth
    serve p -- --db "$db" || return
    url=http://127.0.0.1:$p_port/elections/$(uuid_of "$dir")
    head -3 "$dir/ballots.jsonl" >"$dir/first.jsonl"
    tail -n +4 "$dir/ballots.jsonl" >"$dir/rest.jsonl"
    check "pg: three ballots before the restart" "$L" cast "$url" "$dir/first.jsonl" 1 "$dir/acked1.txt"
    check "pg: the database restarts" as_pg "$PGCTL" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/log" -w -m fast -o "$opts" restart
    local got
    got=$("$L" req GET "$url/head" - -)
    if [ "${got%% *}" = 200 ] && grep -q '"ballots":3' <<<"$got"; then pass; else fail "pg: head after the restart: $got"; fi
    got=$("$L" req GET "$url/ballots" - -)
    if [ "${got%% *}" = 200 ]; then pass; else fail "pg: ballots after the restart: $got"; fi
    check "pg: three ballots after the restart" "$L" cast "$url" "$dir/rest.jsonl" 1 "$dir/acked2.txt"
    equal "pg: every ballot acknowledged" "$(cat "$dir/acked1.txt" "$dir/acked2.txt" | wc -l)" 6
    check "pg: the board verifies" "$C" verify --quiet "$url"
    kill "$p_pid"; wait "$p_pid" 2>/dev/null
}

descriptors
pg_restart
done_testing
