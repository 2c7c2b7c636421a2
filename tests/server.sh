#!/usr/bin/env bash
# The board server (consulta serve) over HTTP on loopback:
#  1. SQLite: N ballots over 32 connections while the server is killed with
#     SIGKILL and restarted twice; then every acknowledged ballot is on the
#     board, none twice, and the board verifies (over HTTP and exported);
#  2. PostgreSQL (its own server on a socket in a temporary folder): two
#     server processes on one database, one killed and restarted mid-stream;
#     the same checks;
#  3. bad requests: malformed, oversized, truncated, slow, unauthorized,
#     wrong method or path — each gets its exact 4xx (or is cut off), and the
#     board is unchanged;
#  4. a BELENIOS-2048 election run through the server and exported:
#     belenios-tool verifies the export.
# N is 400 here, 20000 under CNS_LONG=1 (make check-long).
set -u
. "$(dirname "$0")/lib.sh"
L=${CNS_BENCH:?CNS_BENCH is the folder of the load client}/load
N=${SERVER_BALLOTS:-$([ -n "${CNS_LONG:-}" ] && echo 20000 || echo 400)}
CONNS=32
QUESTIONS=$TD/belenios-2.0-ff/questions.json
PIDS=()
PGDATA_DIR=
cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    if [ -n "$PGDATA_DIR" ]; then as_pg "$PGCTL" -D "$PGDATA_DIR/data" -m immediate stop >/dev/null 2>&1; fi
    rm -rf "$T"
}
trap cleanup EXIT

# election DIR GROUP VOTERS: credentials, one trustee key, election.json.
election() {
    local dir=$1 group=$2 voters=$3 uuid
    mkdir -p "$dir"
    uuid=$("$C" uuid)
    "$C" credentials --uuid "$uuid" --count "$voters" --group "$group" --dir "$dir" >>"$T/log" 2>&1 &&
        "$C" trustee keygen --group "$group" --dir "$dir" >>"$T/log" 2>&1 &&
        cat "$dir"/*.pubkey >"$dir/public_keys.jsons" &&
        "$C" trustee make --group "$group" --dir "$dir" >>"$T/log" 2>&1 &&
        "$C" election-make --uuid "$uuid" --group "$group" --template "$QUESTIONS" --dir "$dir" >>"$T/log" 2>&1
}
uuid_of() { grep -o '"uuid":"[^"]*"' "$1/election.json" | cut -d'"' -f4; }

# ballots DIR N: N ballots of the first N voters into DIR/ballots.jsonl.
ballots() {
    local i
    for ((i = 0; i < $2; i++)); do
        case $((i % 3)) in 0) echo '[[1,0,0],[0,1,0,0,0]]' ;; 1) echo '[[0,1,0],[1,0,0,0,0]]' ;; *) echo '[[0,0,1],[0,0,0,0,1]]' ;; esac
    done >"$1/choices.txt"
    head -"$2" "$1/private_creds.txt" >"$1/voters.txt"
    "$C" ballot --dir "$1" --privcred "$1/voters.txt" --choices "$1/choices.txt" >"$1/ballots.jsonl" 2>>"$T/log"
}

# serve NAME DB PORT [ARGS…]: start a server in the background, wait for its port.
serve() {
    local name=$1 db=$2 port=$3 i
    shift 3
    rm -f "$T/$name.port"
    "$C" serve --db "$db" --port "$port" --port-file "$T/$name.port" "$@" >>"$T/$name.log" 2>&1 &
    eval "${name}_pid=$!"
    PIDS+=($!)
    for ((i = 0; i < 1200; i++)); do
        [ -s "$T/$name.port" ] && { eval "${name}_port=$(cat "$T/$name.port")"; return 0; }
        sleep 0.1
    done
    fail "server $name did not start: $(tail -3 "$T/$name.log")"
    return 1
}

# ballots_on URL: how many ballots the board holds now.
ballots_on() { "$L" req GET "$1/head" - - | grep -o '"ballots":[0-9]*' | cut -d: -f2; }

# wait_ballots URL K: until the board holds at least K ballots (or 10 minutes).
wait_ballots() {
    local i
    for ((i = 0; i < 6000; i++)); do
        [ "$(ballots_on "$1" 2>/dev/null || echo 0)" -ge "$2" ] 2>/dev/null && return 0
        sleep 0.1
    done
}

# after_load DIR DB URL: the checks every reliability run ends with.
after_load() {
    local dir=$1 db=$2 url=$3 what=$4
    if "$L" check "$url" "$dir/acked.txt" >"$T/check" 2>&1; then pass; else fail "$what: $(cat "$T/check")"; fi
    grep -q "duplicated: 0" "$T/check" && pass || fail "$what: duplicates"
    equal "$what: every ballot is on the board once" "$(ballots_on "$url")" "$N"
    check "$what: consulta verify URL" "$C" verify --quiet "$url"
    mkdir -p "$dir/export"
    check "$what: consulta export" "$C" export --db "$db" --out "$dir/export"
    check "$what: the export verifies" "$C" verify --quiet "$dir/export"
}

# 1. SQLite, killed twice --------------------------------------------------------
sqlite_kill() {
    local dir=$T/sqlite url
    election "$dir" ristretto255 "$N" || { fail "sqlite: election setup"; return; }
    ballots "$dir" "$N" || { fail "sqlite: ballots"; return; }
    check "sqlite: serve --init" "$C" serve --init --no-voter-auth --dir "$dir"
    serve a "$dir/board.sqlite" 0 || return
    url=http://127.0.0.1:$a_port/elections/$(uuid_of "$dir")
    "$L" cast "$url" "$dir/ballots.jsonl" $CONNS "$dir/acked.txt" >"$T/cast" 2>&1 &
    local load=$!
    for k in 3 2; do
        wait_ballots "$url" $((N / k))
        kill -9 "$a_pid"
        wait "$a_pid" 2>/dev/null
        serve a "$dir/board.sqlite" "$a_port" || return
    done
    if wait "$load"; then pass; else fail "sqlite: load: $(cat "$T/cast")"; fi
    echo "   sqlite, killed twice: $(cat "$T/cast")"
    after_load "$dir" "$dir/board.sqlite" "$url" sqlite
    SQLITE_DIR=$dir SQLITE_URL=$url
}

# 2. PostgreSQL, two servers, one killed -------------------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PGCTL=$PGBIN/pg_ctl
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

postgres_start() {
    PGDATA_DIR=$(mktemp -d /tmp/cns-pg-XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA_DIR"
    as_pg "$PGBIN/initdb" -D "$PGDATA_DIR/data" --auth=trust -U consulta >>"$T/log" 2>&1 &&
        as_pg "$PGCTL" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/log" -w \
            -o "-k $PGDATA_DIR -c listen_addresses='' -c max_connections=50 -c fsync=on" start >>"$T/log" 2>&1 &&
        as_pg "$PGBIN/createdb" -h "$PGDATA_DIR" -U consulta board >>"$T/log" 2>&1
}

postgres_kill() {
    local dir=$T/pg url1 url2 uuid
    if [ ! -x "$PGBIN/initdb" ]; then fail "postgresql: no initdb in /usr/lib/postgresql"; return; fi
    postgres_start || { fail "postgresql: cannot start it: $(tail -3 "$T/log")"; return; }
    local db="host=$PGDATA_DIR dbname=board user=consulta"
    election "$dir" ristretto255 "$N" || { fail "pg: election setup"; return; }
    ballots "$dir" "$N" || { fail "pg: ballots"; return; }
    check "pg: serve --init" "$C" serve --init --no-voter-auth --dir "$dir" --db "$db"
    serve p1 "$db" 0 || return
    serve p2 "$db" 0 || return
    uuid=$(uuid_of "$dir")
    url1=http://127.0.0.1:$p1_port/elections/$uuid url2=http://127.0.0.1:$p2_port/elections/$uuid
    "$L" cast "$url1,$url2" "$dir/ballots.jsonl" $CONNS "$dir/acked.txt" >"$T/cast" 2>&1 &
    local load=$!
    wait_ballots "$url2" $((N / 3))
    kill -9 "$p1_pid"
    wait "$p1_pid" 2>/dev/null
    serve p1 "$db" "$p1_port" || return
    if wait "$load"; then pass; else fail "pg: load: $(cat "$T/cast")"; fi
    echo "   postgresql, two servers, one killed: $(cat "$T/cast")"
    after_load "$dir" "$db" "$url1" "pg (server 1)"
    equal "pg: both servers show one head" "$("$L" req GET "$url1/head" - -)" "$("$L" req GET "$url2/head" - -)"
}

# 3. bad requests --------------------------------------------------------------
# answer WANT_STATUS NEEDLE METHOD URL BODY TOKEN
answer() {
    local want=$1 needle=$2 got
    got=$("$L" req "$3" "$4" "$5" "$6")
    if [ "${got%% *}" = "$want" ] && grep -qF -- "$needle" <<<"$got"; then pass; else fail "$3 $4: got '${got:0:200}', expected $want and '$needle'"; fi
}

bad_requests() {
    local dir=$SQLITE_DIR url=$SQLITE_URL before after admin trustee
    admin=$(grep '^admin ' "$dir/tokens.txt" | cut -d' ' -f2)
    trustee=$(grep '^trustee 1 ' "$dir/tokens.txt" | cut -d' ' -f3)
    # a server that cuts idle connections after 2 s
    kill "$a_pid" && wait "$a_pid" 2>/dev/null
    serve a "$dir/board.sqlite" "$a_port" --timeout 2 || return
    before=$("$L" req GET "$url/head" - -)
    printf '{"election_uuid":' >"$T/truncated.json"
    answer 400 'ballot: ' POST "$url/ballots" "$T/truncated.json" -
    printf 'not json at all' >"$T/garbage"
    answer 400 '"error":"decode"' POST "$url/ballots" "$T/garbage" -
    printf '%s' "$(head -1 "$dir/ballots.jsonl")" >"$T/again.json"
    # a ballot sent again (a lost answer) is a safe retry: 200, its tracker, nothing stored
    answer 200 '","code":"' POST "$url/ballots" "$T/again.json" -
    # ballot 1 under voter 2's credential: refused before its signature or proofs are
    # checked, its ciphertexts being on the board already (tests/test_server_attacks.c)
    local cred2
    cred2=$(sed -n 2p "$dir/ballots.jsonl" | grep -o '"credential":"[^"]*"')
    sed "s/\"credential\":\"[^\"]*\"/$cred2/" "$T/again.json" | tr -d '\n' >"$T/forged.json"
    answer 422 '"error":"invalid","message":"question 1, choice 1: ciphertext repeats one of ballot' POST "$url/ballots" "$T/forged.json" -
    head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T/big"
    answer 413 'request body too large' POST "$url/ballots" "$T/big" -
    answer 404 'no such resource' GET "$url/nothing" - -
    answer 404 'no such election' GET "http://127.0.0.1:$a_port/elections/XXXXXXXXXXXXXX/head" - -
    answer 405 'only GET and POST' DELETE "$url/ballots" - -
    answer 400 'expected after=N' GET "$url/ballots?limit=0" - -
    answer 400 'expected after=N' GET "$url/ballots?sort=desc" - -
    answer 401 'a valid token is needed' POST "$url/close" - -
    answer 401 'a valid token is needed' POST "$url/close" - "${admin}x"
    answer 403 'only the administrator' POST "$url/close" - "$trustee"
    answer 403 'only a trustee uploads' POST "$url/partial_decryptions" "$T/garbage" "$admin"
    answer 409 'the tally is not published yet' POST "$url/result" - "$admin"
    answer 404 'the tally is not published yet' GET "$url/encrypted_tally" - -
    # slow and truncated requests are cut off; the others are served meanwhile
    "$L" slow "$url" 40 8 >"$T/slow" &
    local slow=$!
    sleep 0.5
    answer 200 '"ballots":' GET "$url/head" - -
    answer 200 '"ballots":[' GET "$url/ballots?limit=2" - -
    wait "$slow"
    equal "slow connections cut off" "$(cat "$T/slow")" "40 of 40 slow connections cut off"
    after=$("$L" req GET "$url/head" - -)
    equal "bad requests change nothing" "$after" "$before"
    check "the board still verifies" "$C" verify --quiet "$url"
}

# 4. BELENIOS-2048 through the server, verified by belenios-tool ----------------------
belenios_export() {
    local dir=$T/ff url admin trustee
    election "$dir" BELENIOS-2048 6 || { fail "ff: election setup"; return; }
    ballots "$dir" 6 || { fail "ff: ballots"; return; }
    check "ff: serve --init" "$C" serve --init --no-voter-auth --dir "$dir"
    serve f "$dir/board.sqlite" 0 || return
    url=http://127.0.0.1:$f_port/elections/$(uuid_of "$dir")
    admin=$(grep '^admin ' "$dir/tokens.txt" | cut -d' ' -f2)
    trustee=$(grep '^trustee 1 ' "$dir/tokens.txt" | cut -d' ' -f3)
    check "ff: cast" "$L" cast "$url" "$dir/ballots.jsonl" 4 "$dir/acked.txt"
    answer 200 'ballot box closed' POST "$url/close" - "$admin"
    head -1 "$dir/voters.txt" >"$T/ff.cred"
    echo '[[1,0,0],[0,1,0,0,0]]' >"$T/ff.choices"
    "$C" ballot --dir "$dir" --privcred "$T/ff.cred" --choices "$T/ff.choices" >"$T/ff.json" 2>>"$T/log"
    answer 409 'the ballot box is closed' POST "$url/ballots" "$T/ff.json" -
    answer 200 'encrypted tally published' POST "$url/tally" - "$admin"
    mkdir -p "$dir/trustee"
    check "ff: the trustee downloads the board" "$L" get "$url/archive" "$dir/trustee/$(uuid_of "$dir").bel"
    "$C" decrypt --dir "$dir/trustee" --privkey "$dir"/*.privkey >"$dir/partial" 2>>"$T/log"
    answer 200 'partial decryption added' POST "$url/partial_decryptions" "$dir/partial" "$trustee"
    answer 422 'trustee 1 has already published' POST "$url/partial_decryptions" "$dir/partial" "$trustee"
    answer 200 'result published' POST "$url/result" - "$admin"
    answer 200 '{"result":[[2,2,2],[2,2,0,0,2]]}' GET "$url/result" - -
    answer 200 '"owner":1,"partial_decryption":{' GET "$url/partial_decryptions" - -
    mkdir -p "$dir/export"
    check "ff: export" "$C" export --db "$dir/board.sqlite" --out "$dir/export"
    check "ff: belenios-tool verifies the export" belenios-tool election verify --dir "$dir/export"
    check "ff: consulta verifies it over HTTP" "$C" verify --quiet "$url"
}

sqlite_kill
postgres_kill
bad_requests
belenios_export
done_testing
