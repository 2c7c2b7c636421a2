#!/usr/bin/env bash
# The board server's throughput: N ballots (ristretto255, 8 ciphertexts each,
# made beforehand) POSTed on 32 connections to consulta serve on loopback:
#   1. SQLite (WAL, synchronous=FULL), one server;
#   2. PostgreSQL (its own instance on a socket), one server;
#   3. PostgreSQL, two servers on one database.
# For each: accepted ballots per second, and the share of the servers' CPU
# time spent verifying ballots (parse + every proof) and appending under
# the lock (catch-up, board rules, store writes, commit).
#
#   bench/server.sh            (N=… to change the size; files in build/bench-server-run/)
set -euo pipefail
cd "$(dirname "$0")/.."
C=$(realpath build/consulta)
L=$(realpath build/bench/load)
N=${N:-3000}
W=$(realpath -m "${BENCH_DIR:-build/bench-server-run}")
rm -rf "$W" && mkdir -p "$W"
PIDS=()
PG=
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    [ -n "$PG" ] && as_pg "$PGBIN/pg_ctl" -D "$PG/data" -m immediate stop >/dev/null 2>&1 || true
    [ -n "$PG" ] && rm -rf "$PG"
}
trap cleanup EXIT

echo "setting up: $N voters, $N ballots (ristretto255)"
U=$("$C" uuid)
"$C" credentials --uuid "$U" --count "$N" --group ristretto255 --dir "$W" >"$W/log" 2>&1
"$C" trustee keygen --group ristretto255 --dir "$W" >>"$W/log" 2>&1
cat "$W"/*.pubkey >"$W/public_keys.jsons"
"$C" trustee make --group ristretto255 --dir "$W" >>"$W/log" 2>&1
"$C" election-make --uuid "$U" --group ristretto255 --template bench/questions.json --dir "$W" >>"$W/log" 2>&1
for ((i = 0; i < N; i++)); do echo '[[0,1,0],[0,0,1,0,0]]'; done >"$W/choices.txt"
"$C" ballot --dir "$W" --privcred "$W/private_creds.txt" --choices "$W/choices.txt" >"$W/ballots.jsonl" 2>>"$W/log"

add() { awk -v a="$1" -v b="$2" 'BEGIN{print a + b}'; }
# cpu PID: the process's user+system seconds.
cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat"; }

# run NAME DB SERVERS: one measurement.
run() {
    local name=$1 db=$2 servers=$3 urls= pids=() k
    "$C" serve --init --no-voter-auth --dir "$W" --db "$db" --tokens "$W/tokens-$name" >>"$W/log" 2>&1
    for ((k = 0; k < servers; k++)); do
        rm -f "$W/port"
        "$C" serve --db "$db" --port 0 --port-file "$W/port" 2>"$W/$name-$k.log" >/dev/null &
        pids+=($!) PIDS+=($!)
        while [ ! -s "$W/port" ]; do sleep 0.1; done
        urls=${urls:+$urls,}http://127.0.0.1:$(cat "$W/port")/elections/$U
    done
    local out
    out=$("$L" cast "$urls" "$W/ballots.jsonl" 32 "$W/acked-$name")
    local total=0 verify=0 append=0
    for ((k = 0; k < servers; k++)); do
        total=$(add "$total" "$(cpu "${pids[k]}")")
        kill "${pids[k]}" && wait "${pids[k]}" || true
        verify=$(add "$verify" "$(grep -o '[0-9.]* s CPU verifying' "$W/$name-$k.log" | cut -d' ' -f1)")
        append=$(add "$append" "$(grep -o '[0-9.]* s CPU appending' "$W/$name-$k.log" | cut -d' ' -f1)")
    done
    local rate
    rate=$(grep -o '[0-9.]* ballots/s' <<<"$out")
    printf '%-28s %12s   server cpu %6.1f s: verifying %4.0f%%, appending under the lock %4.0f%%\n' \
        "$name" "$rate" "$total" "$(awk -v a="$verify" -v t="$total" 'BEGIN{print 100 * a / t}')" \
        "$(awk -v a="$append" -v t="$total" 'BEGIN{print 100 * a / t}')"
}

echo
printf '%-28s %12s\n' "store" "accepted"
run "SQLite, 1 server" "$W/board.sqlite" 1
PG=$(mktemp -d /tmp/cns-pg-bench-XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$PG"
as_pg "$PGBIN/initdb" -D "$PG/data" --auth=trust -U consulta >>"$W/log" 2>&1
as_pg "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/log" -w -o "-k $PG -c listen_addresses=''" start >>"$W/log" 2>&1
as_pg "$PGBIN/createdb" -h "$PG" -U consulta one >>"$W/log" 2>&1
as_pg "$PGBIN/createdb" -h "$PG" -U consulta two >>"$W/log" 2>&1
run "PostgreSQL, 1 server" "host=$PG dbname=one user=consulta" 1
run "PostgreSQL, 2 servers" "host=$PG dbname=two user=consulta" 2
