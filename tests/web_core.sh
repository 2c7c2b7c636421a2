#!/usr/bin/env bash
# The booth's WebAssembly core (make web) under node, through its real Web
# Worker (tests/web_core.js): for ristretto255, Ed25519 and BELENIOS-2048
# (the GMP core, consulta-core-ff) elections made with the consulta CLI,
# every voter's ballot is made by the wasm core, cast by the native consulta,
# and the board verifies (consulta verify, and belenios-tool election verify
# for BELENIOS-2048) and counts the choices given; the wasm audit record passes consulta audit-ballot and a
# tampered one fails with the exact message; mistyped credentials, bad
# choices and wiping are checked in tests/web_core.js.
# Writes build/web/core/timing.txt (ms per 8-ciphertext ballot, per group).
set -u
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WEB=${CNS_WEB:-$ROOT/build/web}
QUESTIONS=$TD/belenios-2.0-ff/questions.json
VOTERS=4

for f in consulta-core.js consulta-core.wasm worker.js; do
    if [ -f "$WEB/core/$f" ]; then pass; else fail "$WEB/core/$f is missing (make web)"; fi
done
if ! command -v node >/dev/null; then
    fail "node is not installed (Debian package nodejs)"
    done_testing
    exit 1
fi

# The result the choices (one vector per line) give.
expected_result() {
    awk '{ gsub(/[][]/, ""); n = split($0, v, ","); for (i = 1; i <= n; i++) s[i] += v[i] }
         END { printf "{\"result\":[[%d,%d,%d],[%d,%d,%d,%d,%d]]}\n", s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8] }' "$1"
}

# An election with one server key, VOTERS voters and the reference questions.
setup() {
    local dir=$1 group=$2 uuid
    mkdir -p "$dir"
    uuid=$("$C" uuid)
    check "credentials ($group)" "$C" credentials --uuid "$uuid" --count $VOTERS --group "$group" --dir "$dir"
    check "server key ($group)" "$C" trustee keygen --group "$group" --dir "$dir"
    cat "$dir"/*.pubkey >"$dir/public_keys.jsons"
    check "trustees.json ($group)" "$C" trustee make --group "$group" --dir "$dir"
    check "election.json ($group)" "$C" election-make --uuid "$uuid" --group "$group" --template "$QUESTIONS" --dir "$dir"
    check "board ($group)" "$C" archive-init --dir "$dir"
    printf '%s\n' '[[0,1,0],[0,0,1,0,0]]' '[[0,0,1],[1,0,0,0,0]]' '[[1,0,0],[0,0,0,0,1]]' \
        '[[0,1,0],[0,0,1,0,0]]' >"$dir/choices.txt"
}

# node's PASS/FAIL lines into the counters.
tally_node() {
    local line
    while IFS= read -r line; do
        case "$line" in
        PASS*) pass ;;
        FAIL*) fail "${line#FAIL }" ;;
        *) echo "$line" >>"$T/log" ;;
        esac
    done
}

one_group() {
    local group=$1 dir=$T/$1 out=$T/$1-out
    mkdir -p "$out"
    setup "$dir" "$group"
    tally_node < <(node "$ROOT/tests/web_core.js" "$WEB" "$dir" "$group" "$out" 2>&1)
    check "wasm ballots cast by consulta ($group)" sh -c "'$C' cast --dir '$dir' <'$out/ballots.jsonl'"
    check "consulta verifies the board ($group)" "$C" verify "$dir"
    # the audit record, checked by the native code; its ballot is never cast
    status 0 "audit-ballot accepts the wasm audit record ($group)" "$C" audit-ballot "$out/audit.json" --dir "$dir"
    status 1 "audit-ballot refuses the tampered record ($group)" "$C" audit-ballot "$out/audit-tampered.json" --dir "$dir"
    says "consulta audit-ballot: audit record: question 2, answer 1: the ballot's ciphertext is not the encryption of 0 with this randomness"
    status 1 "audit-ballot refuses it for another election ($group)" "$C" audit-ballot "$out/audit.json" --dir "$T/other"
    says "consulta audit-ballot: audit record: ballot: election_uuid is"
    # count: the wasm ballots decrypt to the choices given
    check "close ($group)" "$C" close --dir "$dir"
    check "tally ($group)" "$C" tally --dir "$dir"
    check "decrypt ($group)" sh -c "'$C' decrypt --dir '$dir' --privkey '$dir'/*.privkey | '$C' add-event --dir '$dir' --type PartialDecryption"
    check "result ($group)" "$C" result --dir "$dir"
    "$C" verify --result "$dir" >"$out/result.json" 2>>"$T/log"
    expected_result "$dir/choices.txt" >"$out/expected.json"
    same "$out/expected.json" "$out/result.json"
    if [ "$group" = BELENIOS-2048 ]; then
        check "belenios-tool verifies the wasm ballots (BELENIOS-2048)" belenios-tool election verify --dir "$dir"
    fi
    cat "$out/timing.txt" >>"$T/timing.txt"
}

setup "$T/other" ristretto255
one_group ristretto255
one_group Ed25519
one_group BELENIOS-2048
[ -w "$WEB/core" ] && cp "$T/timing.txt" "$WEB/core/timing.txt"
sed 's/^/   ms per 8-ciphertext ballot in node: /' "$T/timing.txt"
done_testing
