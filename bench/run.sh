#!/usr/bin/env bash
# make bench: consulta and belenios-tool 2.0 side by side, in one run.
#
#   bench/run.sh            (or: make bench; N=… NC=… to change the sizes)
#
# 1. BELENIOS-2048, N voters, the same election set up by belenios-tool:
#    each tool makes the N ballots (same credentials, same choices); then on
#    the one record holding belenios-tool's ballots, each tool verifies it,
#    computes the encrypted tally, the partial decryption (one trustee) and
#    the result, and verifies the finished record.
# 2. consulta alone in Ed25519 and ristretto255, NC voters, the same steps.
# 3. The cost of one group operation of each group, measured in this run
#    (bench/group_ops), and each per-ballot cost in units of them.
#
# The ballots have 8 ciphertexts: yes/no/blank and a pick-one-of-five
# (bench/questions.json). Times are wall-clock seconds on this machine;
# "cpu" is user+system time. Files stay in bench-run/.
set -euo pipefail
cd "$(dirname "$0")/.."
C=$(realpath build/consulta)
OPS=$(realpath build/bench/group_ops)
Q=$(realpath bench/questions.json)
N=${N:-50}
NC=${NC:-1000}
W=$(realpath -m "${BENCH_DIR:-bench-run}")
export BELENIOS_USE_URANDOM=1
rm -rf "$W" && mkdir -p "$W"
LOG=$W/log
declare -A WALL CPU

note() { printf '%s\n' "$*" >&2; }
die() {
    note "bench: $* (see $LOG)"
    tail -5 "$LOG" >&2
    exit 1
}

# timed KEY COMMAND…: run it (output to the log), keep its wall and cpu time.
timed() {
    local key=$1 t
    shift
    t=$({ TIMEFORMAT='%R %U %S'; time "$@" >>"$LOG" 2>&1; } 2>&1) || die "$key failed"
    set -- $t
    WALL[$key]=$1
    CPU[$key]=$(echo "$2 + $3" | bc -l)
}

# choices COUNT: random valid choice vectors for the questions.
choices() {
    local i q1 q2
    for ((i = 0; i < $1; i++)); do
        case $((RANDOM % 3)) in 0) q1='[1,0,0]' ;; 1) q1='[0,1,0]' ;; *) q1='[0,0,1]' ;; esac
        case $((RANDOM % 5)) in
        0) q2='[1,0,0,0,0]' ;; 1) q2='[0,1,0,0,0]' ;; 2) q2='[0,0,1,0,0]' ;;
        3) q2='[0,0,0,1,0]' ;; *) q2='[0,0,0,0,1]' ;;
        esac
        echo "[$q1,$q2]"
    done
}

bt_generate() {
    local i=0 cred vote
    mkdir -p ballots
    while read -r cred vote; do
        echo "$cred" >c.tmp && echo "$vote" >v.tmp
        belenios-tool election generate-ballot --privcred c.tmp --ballot v.tmp >ballots/$i.json || return 1
        i=$((i + 1))
    done <votes
}

bt_cast() {
    local f
    for f in ballots/*.json; do belenios-tool archive add-event --type=Ballot <"$f" || return 1; done
}

bt_tally() { belenios-tool election compute-encrypted-tally >tally.json && belenios-tool archive add-event --type=EncryptedTally <tally.json; }
bt_decrypt() { belenios-tool election decrypt --privkey ./*.privkey --trustee-id 1 >pd.json; }
bt_add_partial() { belenios-tool archive add-event --type=PartialDecryption <pd.json; }
bt_result() { belenios-tool election compute-result >result.json && belenios-tool archive add-event --type=Result <result.json; }
c_decrypt() { "$C" decrypt --privkey ./*.privkey >pd.json; }
c_add_partial() { "$C" add-event --type PartialDecryption <pd.json; }

# ---- 1. BELENIOS-2048: both tools ------------------------------------------
note "BELENIOS-2048: $N voters, belenios-tool and consulta"
B=$W/ff && mkdir -p "$B" && cd "$B"
cp "$Q" questions.json
{
    uuid=$(belenios-tool setup generate-token)
    belenios-tool setup generate-credentials --uuid "$uuid" --group BELENIOS-2048 --count "$N"
    mv ./*.pubcreds public_creds.json && mv ./*.privcreds private_creds.txt
    belenios-tool setup generate-trustee-key --group BELENIOS-2048
    cat ./*.pubkey >public_keys.jsons
    belenios-tool setup make-trustees
    belenios-tool setup make-election --uuid "$uuid" --group BELENIOS-2048 --template questions.json
    belenios-tool archive init
} >>"$LOG" 2>&1 || die "belenios-tool setup"
choices "$N" >choices.txt
paste -d' ' <(cut -d' ' -f2 private_creds.txt) choices.txt >votes
timed verify0.bt belenios-tool election verify --dir .
timed verify0.c "$C" verify --quiet .
timed gen.bt bt_generate
timed gen.c sh -c "'$C' ballot --privcred private_creds.txt --choices choices.txt >ballots-consulta.jsonl"
timed cast.bt bt_cast
timed verify.bt belenios-tool election verify --dir .
timed verify.c "$C" verify --quiet .
belenios-tool archive add-event --type=EndBallots </dev/null >>"$LOG" 2>&1 || die "EndBallots"
cp -a "$B" "$W/ff-consulta"
timed tally.bt bt_tally
timed decrypt.bt bt_decrypt
bt_add_partial >>"$LOG" 2>&1 || die "partial decryption (belenios-tool)"
timed result.bt bt_result
cd "$W/ff-consulta"
timed tally.c "$C" tally
timed decrypt.c c_decrypt
c_add_partial >>"$LOG" 2>&1 || die "partial decryption (consulta)"
timed result.c "$C" result
cmp -s "$B/result.json" <("$C" verify --result . 2>>"$LOG") || die "the two tools' results differ"
cd "$B"
timed final.bt belenios-tool election verify --dir .
timed final.c "$C" verify --quiet .

# ---- 2. the curve groups: consulta ---------------------------------------------
for G in Ed25519 ristretto255; do
    note "$G: $NC voters, consulta"
    D=$W/$G && mkdir -p "$D" && cd "$D"
    {
        uuid=$("$C" uuid)
        "$C" credentials --uuid "$uuid" --count "$NC" --group "$G"
        "$C" trustee keygen --group "$G"
        cat ./*.pubkey >public_keys.jsons
        "$C" trustee make --group "$G"
        "$C" election-make --uuid "$uuid" --group "$G" --template "$Q"
        "$C" archive-init
    } >>"$LOG" 2>&1 || die "consulta setup ($G)"
    choices "$NC" >choices.txt
    timed "verify0.$G" "$C" verify --quiet .
    timed "gen.$G" sh -c "'$C' ballot --privcred private_creds.txt --choices choices.txt >ballots.jsonl"
    timed "cast.$G" sh -c "'$C' cast <ballots.jsonl >/dev/null"
    timed "verify.$G" "$C" verify --quiet .
    "$C" close >>"$LOG" 2>&1 || die "close ($G)"
    timed "tally.$G" "$C" tally
    timed "decrypt.$G" c_decrypt
    c_add_partial >>"$LOG" 2>&1 || die "partial decryption ($G)"
    timed "result.$G" "$C" result
    timed "final.$G" "$C" verify --quiet .
done

# ---- 3. group operations, and the table -------------------------------------------
note "group operations"
"$OPS" 43 17 >"$W/group_ops.txt" || die "group_ops"
op() { awk -v g="$1" -v o="$2" '$1 == g && $2 == o {print $3}' "$W/group_ops.txt"; }

# per KEY COUNT: milliseconds per item; ratio A B: A/B
per() { echo "scale=3; ${WALL[$1]} * 1000 / $2" | bc -l; }
ratio() { echo "scale=1; $1 / $2" | bc -l; }
verify_per() { echo "scale=3; (${WALL[verify.$1]} - ${WALL[verify0.$1]}) * 1000 / $2" | bc -l; }
verify_cpu_per() { echo "scale=3; (${CPU[verify.$1]} - ${CPU[verify0.$1]}) * 1000 / $2" | bc -l; }

echo
echo "consulta and belenios-tool 2.0, $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
echo "8-ciphertext ballots; times in seconds (wall clock); ratio = belenios-tool / consulta"
echo
printf '%-28s %14s %14s %8s\n' "BELENIOS-2048, $N voters" belenios-tool consulta ratio
for step in gen:"ballot generation" verify:"verify the record (ballots)" tally:"encrypted tally" decrypt:"partial decryption" result:"result" final:"verify the finished record"; do
    k=${step%%:*} label=${step#*:}
    printf '%-28s %14.2f %14.2f %7.1f×\n' "$label" "${WALL[$k.bt]}" "${WALL[$k.c]}" "$(ratio "${WALL[$k.bt]}" "${WALL[$k.c]}")"
done
echo
printf '%-28s %14s %14s\n' "consulta, $NC voters" Ed25519 ristretto255
for step in gen:"ballot generation" cast:"cast (each ballot checked)" verify:"verify the record (ballots)" tally:"encrypted tally" decrypt:"partial decryption" result:"result" final:"verify the finished record"; do
    k=${step%%:*} label=${step#*:}
    printf '%-28s %14.2f %14.2f\n' "$label" "${WALL[$k.Ed25519]}" "${WALL[$k.ristretto255]}"
done
echo
echo "per ballot (ms; verification = verify with ballots minus verify of the empty record)"
printf '%-16s %10s %10s %10s %9s %11s %10s %11s %8s\n' group generate verify "verify-cpu" "pow (ms)" "verify/pow" "ops (ms)" "cpu/ops" "vs bt"
bt_verify=$(verify_per bt "$N")
for g in bt c Ed25519 ristretto255; do
    case $g in
    bt) name="belenios-tool" grp=BELENIOS-2048 n=$N ;;
    c) name="BELENIOS-2048" grp=BELENIOS-2048 n=$N ;;
    *) name=$g grp=$g n=$NC ;;
    esac
    pw=$(echo "scale=4; $(op "$grp" pow_public) / 1000" | bc -l)
    ops=$(echo "scale=4; $(op "$grp" ballot-ops) / 1000" | bc -l)
    v=$(verify_per "$g" "$n")
    vc=$(verify_cpu_per "$g" "$n")
    printf '%-16s %10.2f %10.3f %10.3f %9.3f %11.1f %10.3f %11.2f %7.1f×\n' "$name" "$(per "gen.$g" "$n")" "$v" "$vc" "$pw" \
        "$(ratio "$v" "$pw")" "$ops" "$(ratio "$vc" "$ops")" "$(ratio "$bt_verify" "$v")"
done
echo
echo "one group operation (µs), measured in this run:"
column -t "$W/group_ops.txt" | sed 's/^/  /'
