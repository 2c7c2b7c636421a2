#!/usr/bin/env bash
# The consulta command on bad input: every refusal names what and where,
# exits 1 (refused) or 2 (usage), and leaves the board byte for byte as it was.
set -u
. "$(dirname "$0")/lib.sh"

D=$T/e
mkdir -p "$D"
uuid=$("$C" uuid)
check "credentials" "$C" credentials --uuid "$uuid" --count 3 --dir "$D"
check "trustee key" "$C" trustee keygen --group ristretto255 --dir "$D"
cat "$D"/*.pubkey >"$D/public_keys.jsons"
check "trustees" "$C" trustee make --group ristretto255 --dir "$D"
check "election" "$C" election-make --uuid "$uuid" --template "$TD/belenios-2.0-ff/questions.json" --dir "$D"
check "board" "$C" archive-init --dir "$D"
BOARD=$(ls "$D"/*.bel)
printf '[[0,1,0],[1,0,0,0,0]]\n[[0,0,1],[0,1,0,0,0]]\n[[1,0,0],[0,0,1,0,0]]\n' >"$D/choices"
"$C" ballot --dir "$D" --privcred "$D/private_creds.txt" --choices "$D/choices" >"$D/ballots" 2>>"$T/log"
check "first ballot cast" sh -c "head -1 '$D/ballots' | '$C' cast --dir '$D'"
before=$(sha256sum <"$BOARD")

# unchanged BOARD: the board still has exactly the bytes it had
unchanged() {
    if [ "$(sha256sum <"$BOARD")" = "$before" ]; then pass; else fail "the board changed after: $1"; fi
}

# usage errors: exit 2
status 2 "no command" "$C"
status 2 "unknown command" "$C" frobnicate
says "unknown command 'frobnicate'"
status 2 "missing option" "$C" credentials --count 3
says "--uuid and --count are required"
status 2 "bad count" "$C" credentials --uuid "$uuid" --count zero
says "--count must be from 1"
status 2 "unknown group" "$C" credentials --uuid "$uuid" --count 2 --group RFC-3526-4096
says "unknown group RFC-3526-4096"
status 2 "decrypt with two kinds of key" "$C" decrypt --dir "$D" --privkey a --key b --dkey c
says "give either --privkey, or both --key and --dkey"

# refused input: exit 1, named, nothing written
status 1 "the same ballot again" sh -c "head -1 '$D/ballots' | '$C' cast --dir '$D'"
says "ballot on line 1: the same ballot was already cast as ballot 1"
unchanged "a replayed ballot"
head -c 300 "$D/ballots" >"$D/truncated"
status 1 "a truncated ballot" sh -c "'$C' cast --dir '$D' <'$D/truncated'"
says "ballot on line 1: ballot: invalid JSON at line 1"
unchanged "a truncated ballot"
sed -n 2p "$D/ballots" | sed 's/"challenge":"/"challenge":"0/' >"$D/noncanonical"
status 1 "a non-canonical ballot" sh -c "'$C' cast --dir '$D' <'$D/noncanonical'"
says "not a canonical decimal integer modulo the group order"
unchanged "a non-canonical ballot"
echo '[[0,1,1],[1,0,0,0,0]]' >"$D/bad-choices"
head -1 "$D/private_creds.txt" >"$D/one-cred"
status 1 "choices breaking a rule" "$C" ballot --dir "$D" --privcred "$D/one-cred" --choices "$D/bad-choices"
says "line 1: question 1: 2 answers selected, between 1 and 1 required"
echo "1 AAA-AAA-AAA-AAA-AAA" >"$D/wrong-cred"
echo '[[0,1,0],[1,0,0,0,0]]' >"$D/good-choices"
status 1 "a mistyped credential" "$C" ballot --dir "$D" --privcred "$D/wrong-cred" --choices "$D/good-choices"
says "line 1:"
status 1 "tally before closing" "$C" tally --dir "$D"
says "the ballot box is not closed yet"
unchanged "an early tally"
status 1 "a missing file" "$C" ballot --dir "$D" --privcred "$D/nope" --choices "$D/good-choices"
says "cannot read $D/nope"
status 1 "verify a corrupt board" "$C" verify /dev/null
says "FAILED"
cp "$BOARD" "$T/corrupt.bel"
printf 'X' | dd of="$T/corrupt.bel" bs=1 seek=1586 conv=notrunc 2>/dev/null
status 1 "verify a board with a flipped byte" "$C" verify "$T/corrupt.bel"
says "entry 1 (offset 1024)"
status 0 "the board itself still verifies" "$C" verify --quiet "$D"
done_testing
