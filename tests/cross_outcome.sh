#!/usr/bin/env bash
# Counting inside the verified pipeline, through the consulta command:
#  1. a whole election on ristretto255 whose election.json carries a
#     referendum rule and a D'Hondt rule (5 lists, 10 seats, Peru's 2026
#     threshold): consulta result publishes outcome.json, consulta verify
#     derives the outcome again and checks it; an outcome with one seat moved,
#     or the verdict changed, is refused with the difference named;
#  2. rules that break the format are refused with the error and the byte;
#  3. with belenios-tool 2.0 (BELENIOS-2048): an election carrying rules,
#     made by consulta, verifies in belenios-tool; one made by belenios-tool,
#     with the rules added before archive init, verifies in both and consulta
#     derives its outcome.
set -u
. "$(dirname "$0")/lib.sh"

TEMPLATE='{"description":"Asamblea","name":"Asamblea 2026","questions":[{"answers":["Sí","No"],"blank":true,"min":1,"max":1,"question":"¿Aprueba?"},{"answers":["APRA","PPC","FOCEP","PSR","UDP"],"blank":true,"min":1,"max":1,"question":"Listas"}],"counting":[{"question":0,"method":"referendum","participation_percent":30},{"question":1,"method":"dhondt","seats":10,"threshold":"peru-2026","tie_seed":"JNE acta de sorteo"}]}'
RULES='[{"question":0,"method":"referendum","participation_percent":30},{"question":1,"method":"dhondt","seats":10,"threshold":"peru-2026","tie_seed":"JNE acta de sorteo"}]'

# choices N: voter i's choices, i < N: Sí 11, No 6, blank 3 (of 20); lists
# APRA 10, PPC 5, FOCEP 3, PSR 1, blank 1.
choices() {
    local i q1 q2
    for ((i = 0; i < $1; i++)); do
        if ((i < 11)); then q1='[0,1,0]'; elif ((i < 17)); then q1='[0,0,1]'; else q1='[1,0,0]'; fi
        if ((i < 10)); then q2='[0,1,0,0,0,0]'; elif ((i < 15)); then q2='[0,0,1,0,0,0]'
        elif ((i < 18)); then q2='[0,0,0,1,0,0]'; elif ((i < 19)); then q2='[0,0,0,0,1,0]'
        else q2='[1,0,0,0,0,0]'; fi
        echo "[$q1,$q2]"
    done
}

# setup DIR GROUP VOTERS: credentials, one trustee, election.json from $TEMPLATE, the board.
setup() {
    local dir=$1 group=$2 uuid
    mkdir -p "$dir"
    uuid=$("$C" uuid)
    echo "$TEMPLATE" >"$dir/template.json"
    check "credentials ($group)" "$C" credentials --uuid "$uuid" --count "$3" --group "$group" --dir "$dir"
    check "trustee key ($group)" "$C" trustee keygen --group "$group" --dir "$dir"
    cat "$dir"/*.pubkey >"$dir/public_keys.jsons"
    check "trustees ($group)" "$C" trustee make --group "$group" --dir "$dir"
    check "election with rules ($group)" "$C" election-make --uuid "$uuid" --group "$group" --template "$dir/template.json" --dir "$dir"
    check "board ($group)" "$C" archive-init --dir "$dir"
}

# run_election DIR VOTERS: every voter votes; close, tally, decrypt, result.
run_election() {
    local dir=$1
    choices "$2" >"$dir/choices.txt"
    check "ballots" sh -c "'$C' ballot --dir '$dir' --privcred '$dir/private_creds.txt' --choices '$dir/choices.txt' | '$C' cast --dir '$dir' >/dev/null"
    check "close" "$C" close --dir "$dir"
    check "tally" "$C" tally --dir "$dir"
    check "decrypt" sh -c "'$C' decrypt --dir '$dir' --privkey $dir/*.privkey | '$C' add-event --dir '$dir' --type PartialDecryption"
    "$C" result --dir "$dir" >"$T/result.txt" 2>&1
    equal "consulta result" "$?" 0
}

# move_seat FILE FROM TO: FILE's final "seats" with one seat moved from list FROM to TO.
move_seat() {
    awk -v from="\"$1\":" -v to="\"$2\":" '
        { line[NR] = $0 }
        $1 == from { lf = NR } $1 == to { lt = NR }
        END {
            for (i = 1; i <= NR; i++) {
                if (i == lf || i == lt) {
                    match(line[i], /[0-9]+/)
                    n = substr(line[i], RSTART, RLENGTH) + (i == lf ? -1 : 1)
                    line[i] = substr(line[i], 1, RSTART - 1) n substr(line[i], RSTART + RLENGTH)
                }
                print line[i]
            }
        }' "$3"
}

# 1. ---------------------------------------------------------------------------
whole_election() {
    local dir=$T/asamblea
    setup "$dir" ristretto255 20
    run_election "$dir" 20
    grep -q "cifra repartidora 1.6666 (= 5/3)" "$T/result.txt"
    equal "consulta result shows the allocation" "$?" 0
    if [ -f "$dir/outcome.json" ]; then pass; else fail "consulta result wrote no outcome.json"; fi
    "$C" verify "$dir" >"$T/verify.txt" 2>&1
    equal "consulta verify" "$?" 0
    grep -q "outcome.json: the published outcome follows from the votes" "$T/verify.txt"
    equal "verify checks outcome.json" "$?" 0
    grep -q "Referendum: Sí wins" "$T/verify.txt"
    equal "verify prints the verdict" "$?" 0
    grep -Eq '^  APRA +6$' "$T/verify.txt"
    equal "verify prints the seats" "$?" 0
    "$C" verify --print-outcome "$dir" >"$T/derived.json" 2>>"$T/log"
    same "$T/derived.json" "$dir/outcome.json"

    # one seat moved from APRA to PPC
    cp "$dir/outcome.json" "$T/good.json"
    move_seat APRA PPC "$T/good.json" >"$dir/outcome.json"
    status 1 "an outcome with a seat moved" "$C" verify --quiet "$dir"
    says "outcome.json: outcome: question 2: list APRA has 5 seats, the rule gives 6"
    cp "$dir/outcome.json" "$T/moved.json"
    cp "$T/good.json" "$dir/outcome.json"
    status 1 "--outcome with a seat moved" "$C" verify --quiet --outcome "$T/moved.json" "$dir"
    says "moved.json: outcome: question 2: list APRA has 5 seats, the rule gives 6"
    # the verdict changed
    sed 's/"winner": "Sí"/"winner": "No"/' "$T/good.json" >"$T/verdict.json"
    status 1 "an outcome with the verdict changed" "$C" verify --quiet --outcome "$T/verdict.json" "$dir"
    says 'outcome: question 1: referendum.winner is "No", the rule gives "Sí"'
    status 0 "the published outcome" "$C" verify --quiet "$dir"

    # an outcome for an election without rules is refused
    local plain=$T/plain
    TEMPLATE='{"description":"d","name":"n","questions":[{"answers":["A","B"],"min":1,"max":1,"question":"q"}]}' setup "$plain" ristretto255 2
    cp "$T/good.json" "$plain/outcome.json"
    status 1 "an outcome without rules" "$C" verify --quiet "$plain"
    says "outcome.json: the board has no result yet, so there is no outcome to publish"
}

# 2. ---------------------------------------------------------------------------
malformed_rules() {
    local dir=$T/asamblea bad=$T/bad
    mkdir -p "$bad"
    cp "$dir/trustees.json" "$dir/public_creds.json" "$bad/"
    sed 's/"peru-2026"/"peru-2030"/' "$dir/election.json" >"$bad/election.json"
    local byte
    byte=$(grep -ob '{"question":1,' "$bad/election.json" | cut -d: -f1)
    status 1 "a rule with an unknown threshold" "$C" archive-init --dir "$bad"
    says "election: byte $byte: question 2: counting rule: \"threshold\": expected \"none\", \"peru-2021\", \"peru-2026\" or an object"
    sed 's/"seats":10,//' "$dir/election.json" >"$bad/election.json"
    status 1 "a D'Hondt rule without seats" "$C" archive-init --dir "$bad"
    says "election: byte $byte: question 2: counting rule: dhondt needs \"seats\""
    sed 's/"participation_percent":30/"participation_percent":"30.0"/' "$dir/election.json" >"$bad/election.json"
    status 1 "a rule not in canonical form" "$C" archive-init --dir "$bad"
    says "election: not in canonical form"
    sed 's/"method":"dhondt"/"method":"stv-scottish"/' "$dir/template.json" >"$bad/template.json"
    status 1 "a template rule that needs ballots" "$C" election-make --uuid "$("$C" uuid)" --template "$bad/template.json" --dir "$bad"
    says "template: question 2: counting rule: stv-scottish needs the ballots themselves (ranks or grades), and a question's result gives only totals"
}

# 3. ---------------------------------------------------------------------------
with_belenios() {
    local dir=$T/ff
    setup "$dir" BELENIOS-2048 3
    run_election "$dir" 3
    check "belenios-tool verifies a consulta election with rules" belenios-tool election verify --dir "$dir"
    check "consulta verifies it and its outcome" "$C" verify --quiet "$dir"

    local bdir=$T/by-belenios
    mkdir -p "$bdir"
    (
        cd "$bdir" || exit 1
        uuid=$(belenios-tool setup generate-token)
        belenios-tool setup generate-credentials --uuid "$uuid" --group BELENIOS-2048 --count 3 >/dev/null
        mv ./*.pubcreds public_creds.json && mv ./*.privcreds private_creds.txt
        belenios-tool setup generate-trustee-key --group BELENIOS-2048
        cat ./*.pubkey >public_keys.jsons
        belenios-tool setup make-trustees
        sed 's/,"counting":.*}$/}/' <<<"$TEMPLATE" >questions.json
        belenios-tool setup make-election --uuid "$uuid" --group BELENIOS-2048 --template questions.json
        # consulta's rules, added last, before the board starts
        e=$(cat election.json)
        echo "${e%\}},\"counting\":$RULES}" >election.json
        belenios-tool archive init
        i=0
        for v in '[[0,1,0],[0,1,0,0,0,0]]' '[[0,1,0],[0,0,1,0,0,0]]' '[[0,0,1],[0,1,0,0,0,0]]'; do
            i=$((i + 1))
            sed -n "${i}p" private_creds.txt | cut -d' ' -f2 >c && echo "$v" >v
            belenios-tool election generate-ballot --privcred c --ballot v | belenios-tool archive add-event --type=Ballot
        done
        belenios-tool archive add-event --type=EndBallots </dev/null
        belenios-tool election compute-encrypted-tally | belenios-tool archive add-event --type=EncryptedTally
        belenios-tool election decrypt --privkey ./*.privkey --trustee-id 1 | belenios-tool archive add-event --type=PartialDecryption
        belenios-tool election compute-result | belenios-tool archive add-event --type=Result
    ) >>"$T/log" 2>&1
    equal "belenios-tool runs an election whose election.json carries rules" "$?" 0
    check "belenios-tool verifies it" belenios-tool election verify --dir "$bdir"
    "$C" verify "$bdir" >"$T/verify-b.txt" 2>&1
    equal "consulta verifies belenios-tool's election with rules" "$?" 0
    grep -Eq '^  APRA +7$' "$T/verify-b.txt"
    equal "consulta derives its outcome" "$?" 0
}

whole_election
malformed_rules
with_belenios
done_testing
