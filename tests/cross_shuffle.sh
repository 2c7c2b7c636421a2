#!/usr/bin/env bash
# The trustees' mixnet, both ways with belenios-tool 2.0 (RFC-3526-2048, the
# group Belenios 2.0 uses for non-homomorphic questions): an election with a
# homomorphic and a non-homomorphic (ranking) question made by belenios-tool;
#  0. two voters' ballots are made by consulta: belenios-tool takes them, and
#     consulta verifies every ballot up to the tally, which it does not
#     follow yet for non-homomorphic questions (exact refusal);
#  1. trustee 1 shuffles with belenios-tool: consulta's shuffle-verify accepts it;
#  2. trustee 2 shuffles with consulta, on the board: consulta verifies both
#     shuffles there, and belenios-tool decrypts, computes the result and
#     verifies the whole election; the decrypted rankings are the votes cast
#     (as a multiset); consulta stops at the decryption, not followed yet;
#  3. consulta refuses tampered shuffles with the exact error: output
#     ciphertexts swapped, a ciphertext replaced, a proof value changed, a
#     proof of another input, a ciphertext missing; and on the board
#     (ATTACKS.md #17) a shuffle by a non-trustee, a trustee skipped or
#     shuffling twice, EndShuffles with a shuffle missing, a decryption
#     before the shuffles are over.
set -u
. "$(dirname "$0")/lib.sh"

VOTERS=6
G="--group RFC-3526-2048"
mkdir -p "$T/e" && cd "$T/e" || exit 1

# ---- the election, by belenios-tool -------------------------------------------------
cat >q.json <<'Q'
{"description":"Mixnet cross-check.","name":"Mixnet","questions":[{"answers":["Yes","No"],"min":0,"max":1,"question":"Approve?"},{"type":"NonHomomorphic","value":{"answers":["A","B","C"],"question":"Rank A, B and C"}}]}
Q
UUID=$(belenios-tool setup generate-token)
belenios-tool setup generate-credentials --uuid "$UUID" $G --count $VOTERS >/dev/null 2>&1
mv ./*.pubcreds public_creds.json && mv ./*.privcreds private_creds.txt
for k in 1 2; do (mkdir -p k$k && cd k$k && belenios-tool setup generate-trustee-key $G >/dev/null 2>&1); done
cat k1/*.pubkey k2/*.pubkey >public_keys.jsons
belenios-tool setup make-trustees 2>/dev/null && belenios-tool setup make-election --uuid "$UUID" $G --template q.json 2>/dev/null
cp election.json election.keep
check "belenios-tool archive init" belenios-tool archive init
BEL=$UUID.bel
i=0
: >votes.txt
while read -r _ cred; do
    r="[$((i % 3 + 1)),$(((i + 1) % 3 + 1)),$(((i + 2) % 3 + 1))]"
    [ $((i % 4)) -eq 3 ] && r="[1,1,2]"
    echo "$r" >>votes.txt
    if [ $i -lt 2 ]; then # consulta's ballots for the first two voters
        "$C" ballot --privcred <(echo "$cred") --choices <(echo "[[$((i % 2)),0],$r]") --dir . \
            >ballot$i.json 2>>"$T/log" || fail "consulta ballot $i"
        belenios-tool archive add-event --type=Ballot <ballot$i.json 2>/dev/null || fail "belenios-tool takes consulta's ballot $i"
    else
        belenios-tool election generate-ballot --privcred <(echo "$cred") --ballot <(echo "[[$((i % 2)),0],$r]") 2>/dev/null |
            belenios-tool archive add-event --type=Ballot 2>/dev/null
    fi
    i=$((i + 1))
done <private_creds.txt
check "belenios-tool verifies the board with consulta's ballots" belenios-tool election verify
belenios-tool archive add-event --type=EndBallots </dev/null 2>/dev/null
belenios-tool election compute-encrypted-tally 2>/dev/null | belenios-tool archive add-event --type=EncryptedTally 2>/dev/null

# data HASH: a data entry of the board; payload TYPE: the payload of the last TYPE event.
data() { tar -xOf "$BEL" "$1.data.json"; }
payload() {
    local f last=
    for f in $(tar -tf "$BEL" | grep 'event.json$'); do
        if tar -xOf "$BEL" "$f" | jq -e --arg t "$1" '.type == $t' >/dev/null; then
            last=$(tar -xOf "$BEL" "$f" | jq -r .payload)
        fi
    done
    echo "$last"
}
data "$(payload EncryptedTally | xargs -I{} sh -c "tar -xOf $BEL {}.data.json" | jq -r .encrypted_tally)" |
    jq -c '[.[1]]' >nh0.json
equal "ciphertexts to shuffle" "$(jq '.[0] | length' nh0.json)" "$VOTERS"
# consulta verifies every ballot (both tools') and the non-homomorphic tally
check "consulta verifies the board up to the encrypted tally" "$C" verify .
cp -r . "$T/tallied"

# ---- ATTACKS.md #17 on the board: shuffles only by trustees, each once, in turn; no
# ---- EndShuffles before every trustee shuffled; no decryption before EndShuffles
attack() { # attack NAME: a copy of the board as it was after the encrypted tally
    rm -rf "$T/$1" && cp -r "$T/tallied" "$T/$1" && cd "$T/$1" || exit 1
}
H=$((VOTERS + 3)) # height of the first event after EncryptedTally
attack nontrustee
belenios-tool election shuffle --trustee-id=3 2>/dev/null | belenios-tool archive add-event --type=Shuffle 2>/dev/null
status 1 "a shuffle by a non-trustee" "$C" verify .
says "Shuffle event at height $H: shuffle by 3, who is not one of the 2 trustees"
attack skipped
belenios-tool election shuffle --trustee-id=2 2>/dev/null | belenios-tool archive add-event --type=Shuffle 2>/dev/null
status 1 "trustee 1's shuffle skipped" "$C" verify .
says "Shuffle event at height $H: shuffle by trustee 2, but trustee 1 shuffles next"
attack twice
belenios-tool election shuffle --trustee-id=1 2>/dev/null | belenios-tool archive add-event --type=Shuffle 2>/dev/null
belenios-tool election shuffle --trustee-id=1 2>/dev/null | belenios-tool archive add-event --type=Shuffle 2>/dev/null
status 1 "a trustee shuffling twice" "$C" verify .
says "Shuffle event at height $((H + 1)): shuffle by trustee 1, but trustee 2 shuffles next"
attack early_end
belenios-tool election shuffle --trustee-id=1 2>/dev/null | belenios-tool archive add-event --type=Shuffle 2>/dev/null
belenios-tool archive add-event --type=EndShuffles </dev/null 2>/dev/null
status 1 "EndShuffles with a shuffle missing" "$C" verify .
says "EndShuffles event at height $((H + 1)): EndShuffles after 1 shuffles: each of the 2 trustees shuffles (trustee 2's is missing)"
attack early_decryption
belenios-tool election shuffle --trustee-id=1 2>/dev/null | belenios-tool archive add-event --type=Shuffle 2>/dev/null
belenios-tool election decrypt --privkey k1/*.privkey --trustee-id 1 2>/dev/null |
    belenios-tool archive add-event --type=PartialDecryption 2>/dev/null
status 1 "a decryption before all shuffles" "$C" verify .
says "PartialDecryption event not allowed after Shuffle"
attack consulta_refuses
status 1 "consulta add-event: a shuffle by a non-trustee" "$C" shuffle --dir . --trustee-id 3
says "shuffle by 3, who is not one of the 2 trustees"
status 1 "consulta add-event: EndShuffles before any shuffle" "$C" add-event --type EndShuffles --dir .
says "EndShuffles after 0 shuffles"
cd "$T/e" || exit 1

# ---- 1. a belenios-tool shuffle, verified by consulta ----------------------------------
belenios-tool election shuffle --trustee-id=1 2>/dev/null | belenios-tool archive add-event --type=Shuffle 2>/dev/null
data "$(data "$(payload Shuffle)" | jq -r .payload)" >shuffle1.json
check "consulta verifies belenios-tool's shuffle" \
    "$C" shuffle-verify --election election.keep --ciphertexts nh0.json --shuffle shuffle1.json --next nh1.json
cmp -s <(jq -c .ciphertexts shuffle1.json) nh1.json && pass || fail "--next is the shuffle's output"

# ---- 3. tampered shuffles -------------------------------------------------------------
refused() { # refused DESCRIPTION MESSAGE SHUFFLE [INPUT]
    status 1 "$1" "$C" shuffle-verify --election election.keep --ciphertexts "${4:-nh0.json}" --shuffle "$3"
    says "$2"
}
jq -c '.ciphertexts[0] |= ([.[1], .[0]] + .[2:])' shuffle1.json >t1.json
refused "output swapped" "shuffle-verify: question 1: proof of shuffle does not verify (t1)" t1.json
jq -c --slurpfile n nh0.json '.ciphertexts[0][2] = $n[0][0][2]' shuffle1.json >t2.json
refused "a ciphertext replaced" "shuffle-verify: question 1: proof of shuffle does not verify (t1)" t2.json
jq -c '.proofs[0][1][4][3] = .proofs[0][1][4][2]' shuffle1.json >t3.json
refused "a response changed" "shuffle-verify: question 1: proof of shuffle does not verify (t_hat 4)" t3.json
jq -c '.proofs[0][1][0] = .proofs[0][1][1]' shuffle1.json >t4.json
refused "s1 changed" "shuffle-verify: question 1: proof of shuffle does not verify (t1)" t4.json
jq -c '.proofs[0][1][5][0] = .proofs[0][1][5][1]' shuffle1.json >t5.json
refused "s' changed" "shuffle-verify: question 1: proof of shuffle does not verify (t3)" t5.json
jq -c '.ciphertexts[0] |= .[1:]' shuffle1.json >t6.json
refused "a ciphertext dropped" "shuffle-verify: shuffle: question 1: $((VOTERS - 1)) ciphertexts out, $VOTERS in" t6.json
jq -c '.proofs[0][2][0] = "1"' shuffle1.json >t7.json
refused "a commitment 1" "shuffle-verify: question 1: proof of shuffle does not verify (t1)" t7.json
refused "another input" "shuffle-verify: question 1: proof of shuffle does not verify (t1)" shuffle1.json <(jq -c '.[0] |= reverse' nh0.json)
jq -c '.proofs[0][2][0] = "0"' shuffle1.json >t8.json
refused "an element out of the group" "shuffle-verify: shuffle: question 1: proof" t8.json
sed 's/"proofs":\[/"proofs": [/' shuffle1.json >t9.json
refused "not canonical" "shuffle-verify: shuffle: not in canonical form" t9.json

# a tampered shuffle is refused on the board too
status 1 "consulta add-event of a tampered shuffle" "$C" add-event --type Shuffle --trustee-id 2 --dir . <t1.json
says "shuffle by trustee 2: question 1: proof of shuffle does not verify (t1)"

# ---- 2. a consulta shuffle, taken and verified by belenios-tool -------------------------
check "consulta shuffles on the files" "$C" shuffle --election election.keep --ciphertexts nh1.json --out shuffle2.json
check "consulta verifies that shuffle" \
    "$C" shuffle-verify --election election.keep --ciphertexts nh1.json --shuffle shuffle2.json
check "consulta shuffles on the board (trustee 2)" "$C" shuffle --dir . --trustee-id 2
check "consulta closes the shuffles" "$C" add-event --type EndShuffles --dir .
check "consulta verifies both shuffles on the board" "$C" verify .
check "belenios-tool verifies the board with consulta's shuffle" belenios-tool election verify
status 1 "consulta decrypt after the shuffles" "$C" decrypt --privkey k1/*.privkey --dir .
says "the decryption of shuffled ciphertexts is not followed on the board yet (the shuffles are verified)"
for k in 1 2; do
    belenios-tool election decrypt --privkey k$k/*.privkey --trustee-id $k 2>/dev/null |
        belenios-tool archive add-event --type=PartialDecryption 2>/dev/null
done
belenios-tool election compute-result 2>/dev/null | belenios-tool archive add-event --type=Result 2>/dev/null
check "belenios-tool verifies the election with consulta's shuffle" belenios-tool election verify
status 1 "consulta verify after the decryption" "$C" verify .
says "PartialDecryption event at height $((VOTERS + 6)): the decryption of shuffled ciphertexts is not followed on the board yet"
RESULT=$(data "$(payload Result)")
equal "the decrypted rankings are the votes" \
    "$(echo "$RESULT" | jq -c '.result[1] | sort')" "$(jq -s -c 'sort' votes.txt)"
equal "the homomorphic question" "$(echo "$RESULT" | jq -c '.result[0]')" "[$((VOTERS / 2)),0]"
cd / && done_testing
