#!/usr/bin/env bash
# The command line's HTTP client (libcurl) against hostile servers on loopback
# (tests/hostile_http.py) and a real consulta serve:
#  * consulta verify URL: a huge body is cut at the size cap, a declared
#    terabyte refused at once, garbage refused at its first tar header, a
#    one-byte-per-second drip cut at the deadline and by the minimum rate, a
#    redirect not followed (unless --follow-redirects), the temporary copy
#    gone after SIGTERM and SIGINT; IPv6; TLS with certificate checks;
#  * consulta cast --url: trackers printed and checked against the ballot's,
#    a refused ballot named by its line with the server's reason (escaped),
#    the voter's login and one-time code sent as X-Consulta-Login/-Code.
# Each refusal asserts the exact message and a bound on the time taken.
set -u
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do { kill -9 "$p" && wait "$p"; } 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

# bounded MAX WANT DESCRIPTION COMMAND…: exit status WANT within MAX seconds (stderr in $T/err).
bounded() {
    local max=$1 want=$2 what=$3 start end rc
    shift 3
    start=$(date +%s%N)
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    end=$(date +%s%N)
    ELAPSED=$(((end - start) / 1000000))
    if [ "$rc" -ne "$want" ]; then
        fail "$what: exit $rc, expected $want: $(head -c 600 "$T/err")"
    elif [ "$ELAPSED" -gt $((max * 1000)) ]; then
        fail "$what: took ${ELAPSED} ms, more than ${max} s"
    else
        pass
    fi
}
# err_is TEXT: the last stderr is exactly TEXT.
err_is() {
    local got
    got=$(cat "$T/err")
    if [ "$got" = "$1" ]; then pass; else fail "stderr: '$got', expected '$1'"; fi
}
# start_peer NAME ARGS…: a hostile server in the background; sets ${NAME}_port.
start_peer() {
    local name=$1 i
    shift
    "$PY" "$(dirname "$0")/hostile_http.py" "$BOARD" "$T/$name.port" "$@" 2>>"$T/$name.log" &
    PIDS+=($!)
    for ((i = 0; i < 100; i++)); do
        [ -s "$T/$name.port" ] && { eval "${name}_port=$(cat "$T/$name.port")"; return 0; }
        sleep 0.1
    done
    fail "peer $name did not start: $(cat "$T/$name.log")"
    return 1
}

# A real board: an election with two ballots, made without a server.
D=$T/e
mkdir -p "$D"
uuid=$("$C" uuid)
{
    "$C" credentials --uuid "$uuid" --count 3 --dir "$D" &&
        "$C" trustee keygen --group ristretto255 --dir "$D" && cat "$D"/*.pubkey >"$D/public_keys.jsons" &&
        "$C" trustee make --group ristretto255 --dir "$D" &&
        "$C" election-make --uuid "$uuid" --group ristretto255 \
            --template "$TD/belenios-2.0-ff/questions.json" --dir "$D"
} >>"$T/log" 2>&1 || fail "election setup: $(tail -3 "$T/log")"
printf '[[1,0,0],[0,1,0,0,0]]\n[[0,1,0],[1,0,0,0,0]]\n' >"$D/choices"
head -2 "$D/private_creds.txt" >"$D/voters"
"$C" ballot --dir "$D" --privcred "$D/voters" --choices "$D/choices" >"$D/ballots" 2>>"$T/log"
cp -r "$D" "$T/live" # the same election, for the server below
check "board" "$C" archive-init --dir "$D"
check "ballots cast" sh -c "'$C' cast --dir '$D' <'$D/ballots'"
BOARD=$(ls "$D"/*.bel)

start_peer h || { done_testing; exit 1; }
H=http://127.0.0.1:$h_port

# --- verify URL ---------------------------------------------------------------
bounded 30 0 "a well-behaved server's board verifies" "$C" verify "$H/good/elections/$uuid"
grep -q "^$H/good/elections/$uuid: verified$" "$T/out" && pass || fail "no verified line: $(cat "$T/out")"

bounded 20 1 "a huge body is cut at --max-size" "$C" verify --max-size 2000000 "$H/huge/elections/$uuid"
err_is "consulta verify: $H/huge/elections/$uuid/archive: the answer is larger than the cap of 2000000 bytes (--max-size)"

bounded 10 1 "a declared terabyte is refused at once (default cap)" "$C" verify "$H/length/elections/$uuid"
err_is "consulta verify: $H/length/elections/$uuid/archive: the answer is larger than the cap of 4294967296 bytes (--max-size)"

bounded 10 1 "zeros are refused at the first tar header" "$C" verify "$H/zeros/elections/$uuid"
err_is "consulta verify: $H/zeros/elections/$uuid/archive: not a board archive: at byte 0: entry 0: zero block (tar end marker): a Belenios archive has none"

bounded 10 1 "a one-byte-per-second drip is cut at the deadline" "$C" verify --timeout 3 "$H/drip/elections/$uuid"
err_is "consulta verify: $H/drip/elections/$uuid/archive: not complete within 3 s (--timeout)"
[ "$ELAPSED" -ge 2500 ] && pass || fail "the deadline of 3 s cut after only $ELAPSED ms"

bounded 10 1 "a drip is cut by the minimum rate" "$C" verify --stall 2 "$H/drip/elections/$uuid"
err_is "consulta verify: $H/drip/elections/$uuid/archive: slower than 1024 bytes/s for 2 s (--min-rate, --stall)"

bounded 10 1 "a redirect is not followed" "$C" verify "$H/redirect/elections/$uuid"
err_is "consulta verify: $H/redirect/elections/$uuid/archive: the server redirects (302) to $H/good/elections/$uuid/archive; not followed without --follow-redirects"
bounded 30 0 "--follow-redirects follows it" "$C" verify --follow-redirects "$H/redirect/elections/$uuid"

bounded 5 1 "nothing listening" "$C" verify --timeout 3 "http://127.0.0.1:1/elections/$uuid"
grep -q "^consulta verify: http://127.0.0.1:1/elections/$uuid/archive: Failed to connect to 127.0.0.1 port 1" "$T/err" &&
    pass || fail "connection refused: $(cat "$T/err")"
bounded 5 2 "a cap of 0 is a usage error" "$C" verify --max-size 0 "$H/good/elections/$uuid"
err_is "consulta verify: --max-size must be a positive number of bytes (see consulta verify --help)"

# The temporary copy is removed when the download is interrupted by a signal.
for sig in TERM INT; do
    mkdir -p "$T/tmp-$sig"
    TMPDIR=$T/tmp-$sig "$C" verify "$H/drip/elections/$uuid" >/dev/null 2>&1 &
    pid=$!
    for ((i = 0; i < 100; i++)); do
        [ -n "$(ls "$T/tmp-$sig")" ] && [ -n "$(ls "$T/tmp-$sig"/*/ 2>/dev/null)" ] && break
        sleep 0.1
    done
    [ -n "$(ls "$T/tmp-$sig"/*/board.bel 2>/dev/null)" ] && pass || fail "SIG$sig: no temporary copy to remove"
    sleep 1 # a few bytes in
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    want=$((128 + $(kill -l "$sig")))
    equal "SIG$sig ends verify with the signal" "$rc" "$want"
    equal "SIG$sig: the temporary folder is gone" "$(ls -A "$T/tmp-$sig")" ""
done

# IPv6.
start_peer h6 --ipv6 && {
    bounded 30 0 "a board over IPv6 verifies" "$C" verify "http://[::1]:$h6_port/good/elections/$uuid"
}

# TLS: a self-signed certificate is refused, accepted with --cacert.
if openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$T/key.pem" -out "$T/cert.pem" >>"$T/log" 2>&1; then
    start_peer hs --tls "$T/cert.pem" "$T/key.pem" && {
        S=https://localhost:$hs_port
        bounded 10 1 "an unknown certificate is refused" "$C" verify "$S/good/elections/$uuid"
        err_is "consulta verify: $S/good/elections/$uuid/archive: SSL certificate problem: self-signed certificate"
        bounded 30 0 "a board over TLS verifies with --cacert" "$C" verify --cacert "$T/cert.pem" "$S/good/elections/$uuid"
        bounded 10 1 "the certificate's name is checked" "$C" verify --cacert "$T/cert.pem" "https://127.0.0.1:$hs_port/good/elections/$uuid"
        grep -q "^consulta verify: https://127.0.0.1:$hs_port/good/elections/$uuid/archive: SSL: no alternative certificate subject name matches target host name '127.0.0.1'" "$T/err" &&
            pass || fail "name mismatch: $(cat "$T/err")"
    }
else
    fail "openssl could not make a certificate: $(tail -3 "$T/log")"
fi

# --- cast --url -----------------------------------------------------------------
awk 'NR==1' "$D/ballots" >"$T/one"
want=$(printf '%s' "$(cat "$T/one")" | openssl dgst -sha256 -binary | base64 | tr -d '=')
bounded 10 0 "login and code are sent" sh -c "'$C' cast --url '$H/auth/elections/$uuid' --login alice --code K7Q2-9XPM <'$T/one'"
equal "the tracker printed is the ballot's" "$(cat "$T/out")" "$want"
bounded 10 1 "a wrong code: the server's reason, with the line" sh -c "'$C' cast --url '$H/auth/elections/$uuid' --login alice --code WRONG <'$T/one'"
err_is "consulta cast: ballot on line 1: the server refused it (HTTP 401, auth): unknown login or wrong code"
bounded 10 1 "a lying server's tracker is caught" sh -c "'$C' cast --url '$H/liar/elections/$uuid' <'$T/one'"
err_is "consulta cast: ballot on line 1: the server answered tracker $(printf 'A%.0s' {1..43}), not the ballot's own $want"
bounded 10 1 "the server's message cannot forge a line" sh -c "'$C' cast --url '$H/evil/elections/$uuid' <'$T/one'"
err_is 'consulta cast: ballot on line 1: the server refused it (HTTP 422, invalid): no\r\x1b[2K\x1b[32mconsulta: verified\x1b[0m'
bounded 5 2 "a header cannot be injected" "$C" cast --url "$H/auth/elections/$uuid" --login "$(printf 'alice\r\nX-Admin: 1')" --code K
err_is "consulta cast: --login and --code must be 1 to 256 printable characters (see consulta cast --help)"
bounded 5 2 "--login without --code" "$C" cast --url "$H/auth/elections/$uuid" --login alice
err_is "consulta cast: --login and --code go together (see consulta cast --help)"

# Against a real consulta serve.
(cd "$T/live" && "$C" serve --dir . --init --no-voter-auth >>"$T/log" 2>&1) || fail "serve --init: $(tail -3 "$T/log")"
"$C" serve --dir "$T/live" --port 0 --port-file "$T/live.port" >>"$T/live.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do [ -s "$T/live.port" ] && break; sleep 0.1; done
L=http://127.0.0.1:$(cat "$T/live.port")/elections/$uuid
{ head -1 "$D/ballots"; echo; echo 'not a ballot'; } >"$T/mixed"
bounded 20 1 "cast --url: the first ballot, then line 3 refused" sh -c "'$C' cast --url '$L' <'$T/mixed'"
equal "its tracker printed" "$(cat "$T/out")" "$want"
grep -q "^consulta cast: ballot on line 3: the server refused it (HTTP 400, decode): " "$T/err" &&
    pass || fail "line 3: $(cat "$T/err")"
bounded 20 0 "cast --url: the second ballot" sh -c "sed -n 2p '$D/ballots' | '$C' cast --url '$L/'"
bounded 30 0 "the live board verifies" "$C" verify "$L"
grep -q "ballots    2 cast, 2 counted" "$T/out" && pass || fail "not 2 ballots: $(cat "$T/out")"
bounded 10 1 "nothing listening" sh -c "'$C' cast --url http://127.0.0.1:1/elections/$uuid <'$T/one'"
grep -q "^consulta cast: ballot on line 1: http://127.0.0.1:1/elections/$uuid/ballots: Failed to connect to 127.0.0.1 port 1" "$T/err" &&
    pass || fail "connection refused: $(cat "$T/err")"

done_testing
