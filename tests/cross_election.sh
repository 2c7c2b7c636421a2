#!/usr/bin/env bash
# Whole elections, both ways with belenios-tool 2.0 (BELENIOS-2048):
#  1. made entirely by belenios-tool (threshold trustees, 30 voters, 2
#     questions, revotes): consulta verifies it and finds the same result;
#  2. made entirely by consulta: belenios-tool verifies it and computes the
#     same result;
#  3. mixed: ballots and partial decryptions from both tools on one board;
#  4. consulta alone in ristretto255, Ed25519 and RFC-3526-2048 (this one
#     verified by belenios-tool 2.0 too).
# consulta's own ceremonies (2 and 4) are Belenios 3.x's; the mixed ones 2.0's.
set -u
. "$(dirname "$0")/lib.sh"

QUESTIONS=$TD/belenios-2.0-ff/questions.json
VOTERS=30

# choices N: N random valid choice vectors for the reference questions.
choices() {
    local i
    for ((i = 0; i < $1; i++)); do
        local q1 q2
        case $((RANDOM % 3)) in 0) q1='[1,0,0]' ;; 1) q1='[0,1,0]' ;; *) q1='[0,0,1]' ;; esac
        case $((RANDOM % 5)) in
        0) q2='[1,0,0,0,0]' ;; 1) q2='[0,1,0,0,0]' ;; 2) q2='[0,0,1,0,0]' ;;
        3) q2='[0,0,0,1,0]' ;; *) q2='[0,0,0,0,1]' ;;
        esac
        echo "[$q1,$q2]"
    done
}

# The threshold ceremony (3 trustees, 2 needed) by TOOL (belenios|consulta) for
# each trustee in turn: "bcc" = trustee 1 belenios, 2 and 3 consulta. With
# CTX=1 (consulta only), the Belenios 3.x ceremony (certificates with their
# context, signed polynomials and keys, AES-GCM), which belenios-tool 2.0
# cannot take part in but verifies the result of.
ceremony() {
    local dir=$1 who=$2 group=$3 i ctx
    (
        cd "$dir" || exit 1
        for ((i = 0; i < 3; i++)); do
            mkdir -p t$i
            if [ "${who:i:1}" = b ]; then
                (cd t$i && belenios-tool setup generate-trustee-key-threshold --group "$group" --step 1) || exit 1
            else
                ctx=()
                [ "${CTX:-0}" = 1 ] && ctx=(--threshold-context $((i + 1))/2/3)
                "$C" trustee threshold --group "$group" --step 1 "${ctx[@]}" --dir t$i || exit 1
            fi
        done
        cat t0/*.cert t1/*.cert t2/*.cert >certs.jsons
        for ((i = 0; i < 3; i++)); do
            local key=$(ls t$i/*.key)
            if [ "${who:i:1}" = b ]; then
                belenios-tool setup generate-trustee-key-threshold --group "$group" --certs certs.jsons --key "$key" --step 3 --threshold 2
            else
                "$C" trustee threshold --group "$group" --certs certs.jsons --key "$key" --step 3 --threshold 2
            fi || exit 1
        done >polynomials.jsons
        "$C" trustee threshold --group "$group" --certs certs.jsons --polynomials polynomials.jsons --step 4 || exit 1
        for ((i = 0; i < 3; i++)); do
            local key=$(ls t$i/*.key) id
            id=$(basename "$key" .key)
            if [ "${who:i:1}" = b ]; then
                belenios-tool setup generate-trustee-key-threshold --group "$group" --certs certs.jsons --key "$key" --step 5 <"$id.vinput"
            else
                "$C" trustee threshold --group "$group" --certs certs.jsons --key "$key" --step 5 <"$id.vinput"
            fi || exit 1
        done >voutputs.jsons
        "$C" trustee threshold --group "$group" --certs certs.jsons --polynomials polynomials.jsons --step 6 <voutputs.jsons >threshold.json
    ) >>"$T/log" 2>&1
}

# An election directory set up by consulta in GROUP with VOTERS voters.
consulta_setup() {
    local dir=$1 group=$2 who=${3:-ccc}
    mkdir -p "$dir"
    local uuid=$("$C" uuid)
    check "credentials ($group)" "$C" credentials --uuid "$uuid" --count $VOTERS --group "$group" --dir "$dir"
    check "ceremony ($group, $who)" ceremony "$dir" "$who" "$group"
    check "server key ($group)" "$C" trustee keygen --group "$group" --dir "$dir"
    cat "$dir"/*.pubkey >"$dir/public_keys.jsons"
    check "trustees.json ($group)" "$C" trustee make --group "$group" --dir "$dir"
    check "election.json ($group)" "$C" election-make --uuid "$uuid" --group "$group" --template "$QUESTIONS" --dir "$dir"
    check "board ($group)" "$C" archive-init --dir "$dir"
}

# The result the choices in $1 (one vector per line; last line per voter wins) give.
expected_result() {
    awk '{ gsub(/[][]/, ""); n = split($0, v, ","); for (i = 1; i <= n; i++) s[i] += v[i] }
         END { printf "{\"result\":[[%d,%d,%d],[%d,%d,%d,%d,%d]]}\n", s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8] }' "$1"
}

# 1. -------------------------------------------------------------------------
belenios_election() {
    local dir=$T/by-belenios
    mkdir -p "$dir"
    (
        cd "$dir" || exit 1
        uuid=$(belenios-tool setup generate-token)
        belenios-tool setup generate-credentials --uuid "$uuid" --group BELENIOS-2048 --count $VOTERS >/dev/null
        mv ./*.pubcreds public_creds.json && mv ./*.privcreds private_creds.txt
        for i in 1 2 3; do belenios-tool setup generate-trustee-key-threshold --group BELENIOS-2048 --step 1; done
        cat ./*.cert >certs.jsons
        for k in ./*.key; do
            belenios-tool setup generate-trustee-key-threshold --group BELENIOS-2048 --certs certs.jsons --key "$k" --step 3 --threshold 2
        done >polynomials.jsons
        belenios-tool setup generate-trustee-key-threshold --group BELENIOS-2048 --certs certs.jsons --step 4 --polynomials polynomials.jsons
        for k in ./*.key; do
            belenios-tool setup generate-trustee-key-threshold --group BELENIOS-2048 --certs certs.jsons --key "$k" --step 5 <"${k%.key}.vinput"
        done >voutputs.jsons
        belenios-tool setup generate-trustee-key-threshold --group BELENIOS-2048 --certs certs.jsons --step 6 --polynomials polynomials.jsons <voutputs.jsons >threshold.json
        belenios-tool setup generate-trustee-key --group BELENIOS-2048
        cat ./*.pubkey >public_keys.jsons
        belenios-tool setup make-trustees
        belenios-tool setup make-election --uuid "$uuid" --group BELENIOS-2048 --template "$QUESTIONS"
        belenios-tool archive init
    ) >>"$T/log" 2>&1 || { fail "belenios-tool setup"; return; }
    choices $VOTERS >"$dir/choices.txt"
    choices 6 >"$dir/revotes.txt"
    # each voter votes, then the first six vote again
    paste -d' ' <(cut -d' ' -f2 "$dir/private_creds.txt") "$dir/choices.txt" >"$dir/votes"
    paste -d' ' <(head -6 "$dir/private_creds.txt" | cut -d' ' -f2) "$dir/revotes.txt" >>"$dir/votes"
    (
        cd "$dir" || exit 1
        while read -r cred vote; do
            echo "$cred" >c && echo "$vote" >v
            belenios-tool election generate-ballot --privcred c --ballot v | belenios-tool archive add-event --type=Ballot || exit 1
        done <votes
        belenios-tool archive add-event --type=EndBallots </dev/null
        belenios-tool election compute-encrypted-tally | belenios-tool archive add-event --type=EncryptedTally
        keys=(./*.key)
        for i in 0 2; do
            belenios-tool election decrypt-threshold --key "${keys[i]}" --decryption-key "${keys[i]%.key}.dkey" --trustee-id $((i + 2)) |
                belenios-tool archive add-event --type=PartialDecryption
        done
        belenios-tool election decrypt --privkey ./*.privkey --trustee-id 1 | belenios-tool archive add-event --type=PartialDecryption
        belenios-tool election compute-result >result.json
        belenios-tool archive add-event --type=Result <result.json
    ) >>"$T/log" 2>&1 || { fail "belenios-tool election run"; return; }
    check "consulta verifies belenios-tool's election" "$C" verify "$dir"
    "$C" verify --result "$dir" >"$T/ours.json" 2>>"$T/log"
    same "$dir/result.json" "$T/ours.json"
    # the expected counts, from the plaintexts: the last vote of each voter
    tail -6 "$dir/revotes.txt" >"$T/final" && tail -n +7 "$dir/choices.txt" >>"$T/final"
    expected_result "$T/final" >"$T/expected.json"
    same "$T/expected.json" "$T/ours.json"
}

# 2. -------------------------------------------------------------------------
consulta_election() {
    local dir=$T/by-consulta
    CTX=1 consulta_setup "$dir" BELENIOS-2048
    check "consulta's 3.x certificates (with their context)" \
        grep -q '\\"context\\":{\\"group\\":\\"BELENIOS-2048\\",\\"size\\":3,\\"threshold\\":2' "$dir/trustees.json"
    check "consulta's 3.x threshold signatures" grep -q '"signatures":\[{"challenge"' "$dir/trustees.json"
    check "consulta's signed verification keys" grep -q '"public_key":"[0-9]*","signature":{' "$dir/trustees.json"
    choices $VOTERS >"$dir/choices.txt"
    check "consulta ballots" sh -c "'$C' ballot --dir '$dir' --privcred '$dir/private_creds.txt' --choices '$dir/choices.txt' >'$dir/ballots.jsonl'"
    check "consulta casts" sh -c "'$C' cast --dir '$dir' <'$dir/ballots.jsonl' >/dev/null"
    head -3 "$dir/private_creds.txt" >"$dir/re.txt"
    choices 3 >"$dir/revotes.txt"
    check "consulta revotes" sh -c "'$C' ballot --dir '$dir' --privcred '$dir/re.txt' --choices '$dir/revotes.txt' | '$C' cast --dir '$dir' >/dev/null"
    check "close" "$C" close --dir "$dir"
    check "tally" "$C" tally --dir "$dir"
    local keys=("$dir"/t*/*.key)
    for i in 1 2; do
        check "decrypt $i" sh -c "'$C' decrypt --dir '$dir' --key '${keys[i]}' --dkey '$dir/$(basename "${keys[i]}" .key).dkey' | '$C' add-event --dir '$dir' --type PartialDecryption"
    done
    check "decrypt server" sh -c "'$C' decrypt --dir '$dir' --privkey $dir/*.privkey | '$C' add-event --dir '$dir' --type PartialDecryption"
    check "result" "$C" result --dir "$dir"
    check "belenios-tool verifies consulta's election" belenios-tool election verify --dir "$dir"
    (cd "$dir" && belenios-tool election compute-result >"$T/theirs.json") 2>>"$T/log"
    "$C" verify --result "$dir" >"$T/ours.json" 2>>"$T/log"
    same "$T/theirs.json" "$T/ours.json"
    tail -3 "$dir/revotes.txt" >"$T/final" && tail -n +4 "$dir/choices.txt" >>"$T/final"
    expected_result "$T/final" >"$T/expected.json"
    same "$T/expected.json" "$T/ours.json"
}

# 3. -------------------------------------------------------------------------
mixed_election() {
    local dir=$T/mixed
    consulta_setup "$dir" BELENIOS-2048 bcc
    choices $VOTERS >"$dir/choices.txt"
    paste -d' ' <(cut -d' ' -f2 "$dir/private_creds.txt") "$dir/choices.txt" >"$dir/votes"
    local n=0 bad=0
    while read -r cred vote; do
        echo "$cred" >"$dir/c" && echo "$vote" >"$dir/v"
        if [ $((n % 2)) -eq 0 ]; then # belenios-tool's ballot, cast by consulta
            (cd "$dir" && belenios-tool election generate-ballot --privcred c --ballot v 2>>"$T/log" | "$C" cast >/dev/null 2>>"$T/log") || bad=1
        else # consulta's ballot, cast by belenios-tool
            (cd "$dir" && "$C" ballot --privcred c --choices v 2>>"$T/log" | belenios-tool archive add-event --type=Ballot >>"$T/log" 2>&1) || bad=1
        fi
        n=$((n + 1))
    done <"$dir/votes"
    equal "ballots of both tools cast by the other" "$bad" 0
    check "consulta verifies the mixed board" "$C" verify "$dir"
    check "belenios-tool verifies the mixed board" belenios-tool election verify --dir "$dir"
    check "close (belenios-tool)" sh -c "cd '$dir' && belenios-tool archive add-event --type=EndBallots </dev/null"
    check "tally (belenios-tool's, checked by consulta)" sh -c "cd '$dir' && belenios-tool election compute-encrypted-tally | '$C' add-event --type EncryptedTally"
    local keys=("$dir"/t*/*.key)
    # trustee 2 (t0, a belenios-tool trustee) decrypts with belenios-tool, trustee 4 with consulta
    check "partial decryption by belenios-tool" sh -c "cd '$dir' && belenios-tool election decrypt-threshold --key '${keys[0]}' --decryption-key '$(basename "${keys[0]}" .key).dkey' --trustee-id 2 | '$C' add-event --type PartialDecryption"
    check "partial decryption by consulta" sh -c "cd '$dir' && '$C' decrypt --key '${keys[2]}' --dkey '$(basename "${keys[2]}" .key).dkey' | belenios-tool archive add-event --type=PartialDecryption"
    check "server decryption by consulta" sh -c "cd '$dir' && '$C' decrypt --privkey ./*.privkey | '$C' add-event --type PartialDecryption"
    check "result by belenios-tool" sh -c "cd '$dir' && belenios-tool election compute-result | '$C' add-event --type Result"
    check "belenios-tool verifies the mixed record" belenios-tool election verify --dir "$dir"
    "$C" verify --result "$dir" >"$T/ours.json" 2>>"$T/log"
    expected_result "$dir/choices.txt" >"$T/expected.json"
    same "$T/expected.json" "$T/ours.json"
}

# 4. -------------------------------------------------------------------------
consulta_alone() {
    local group=$1 dir=$T/alone-$1
    VOTERS=8 CTX=1 consulta_setup "$dir" "$group"
    choices 8 >"$dir/choices.txt"
    check "ballots ($group)" sh -c "'$C' ballot --dir '$dir' --privcred '$dir/private_creds.txt' --choices '$dir/choices.txt' | '$C' cast --dir '$dir' >/dev/null"
    check "close ($group)" "$C" close --dir "$dir"
    check "tally ($group)" "$C" tally --dir "$dir"
    local keys=("$dir"/t*/*.key)
    check "decrypt server ($group)" sh -c "'$C' decrypt --dir '$dir' --privkey $dir/*.privkey | '$C' add-event --dir '$dir' --type PartialDecryption"
    check "decrypt ($group)" sh -c "'$C' decrypt --dir '$dir' --key '${keys[0]}' --dkey '$dir/$(basename "${keys[0]}" .key).dkey' | '$C' add-event --dir '$dir' --type PartialDecryption"
    status 1 "result before enough trustees ($group)" "$C" result --dir "$dir"
    says "trustee group 2 has 1 valid partial decryptions, 2 needed"
    check "decrypt 2 ($group)" sh -c "'$C' decrypt --dir '$dir' --key '${keys[1]}' --dkey '$dir/$(basename "${keys[1]}" .key).dkey' | '$C' add-event --dir '$dir' --type PartialDecryption"
    check "result ($group)" "$C" result --dir "$dir"
    "$C" verify --result "$dir" >"$T/ours.json" 2>>"$T/log"
    expected_result "$dir/choices.txt" >"$T/expected.json"
    same "$T/expected.json" "$T/ours.json"
    if [ "$group" = RFC-3526-2048 ]; then # belenios-tool 2.0 knows this group
        check "belenios-tool verifies consulta's election ($group)" belenios-tool election verify --dir "$dir"
    fi
}

belenios_election
consulta_election
mixed_election
consulta_alone ristretto255
consulta_alone Ed25519
consulta_alone RFC-3526-2048
done_testing
