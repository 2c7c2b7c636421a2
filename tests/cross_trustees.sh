#!/usr/bin/env bash
# `consulta trustee` against belenios-tool 2.0, command line to command line
# (BELENIOS-2048): a ceremony run with consulta is accepted by belenios-tool
# (its step 2, step 6, make-trustees, election verify and decryptions), one run
# with belenios-tool is redone by consulta to the same bytes; consulta alone in
# Ed25519 and ristretto255; exit statuses of refusals (1) and usage errors (2).
# Needs $CNS_BIN (the consulta binary) and $CNS_TESTDATA.
set -u
. "$(dirname "$0")/lib.sh"

if ! command -v belenios-tool >/dev/null; then
    fail "belenios-tool is not installed"
fi

# The demo's threshold ceremony with tool $1 ("consulta" or "belenios") for group $2, in the cwd.
ceremony() {
    local tool=$1 group=$2 k
    if [ "$tool" = consulta ]; then
        k() { "$C" trustee threshold --group "$group" "$@"; }
    else
        k() { belenios-tool setup generate-trustee-key-threshold --group "$group" "$@"; }
    fi
    k --step 1 && k --step 1 && k --step 1 &&
        cat ./*.cert >certs.jsons &&
        k --certs certs.jsons --step 2 &&
        for u in *.key; do k --certs certs.jsons --key "$u" --step 3 --threshold 2 || return 1; done >polynomials.jsons &&
        k --certs certs.jsons --step 4 --polynomials polynomials.jsons &&
        for u in *.key; do
            k --certs certs.jsons --key "$u" --step 5 <"${u%.key}.vinput" >"${u%.key}.voutput" || return 1
        done &&
        cat ./*.voutput | k --certs certs.jsons --step 6 --polynomials polynomials.jsons >threshold.json
}

BT="belenios-tool setup generate-trustee-key-threshold --group BELENIOS-2048"
CT="$C trustee threshold --group BELENIOS-2048"

# ---- 1. consulta's ceremony, accepted by belenios-tool -------------------------------------
mkdir -p "$T/ours" && cd "$T/ours" || exit 2
check "consulta ceremony (BELENIOS-2048)" ceremony consulta BELENIOS-2048
check "consulta keygen" "$C" trustee keygen --group BELENIOS-2048
cat ./*.pubkey >public_keys.jsons
check "consulta make" "$C" trustee make
check "belenios step 2 on our certificates" $BT --certs certs.jsons --step 2
mkdir bt && (cd bt && $BT --certs ../certs.jsons --step 4 --polynomials ../polynomials.jsons) 2>>"$T/log"
for v in ./*.vinput; do same "$v" "bt/$v"; done
for u in ./*.key; do
    check "belenios step 5 on our vinput ${u%.key}" \
        sh -c "$BT --certs certs.jsons --key $u --step 5 <${u%.key}.vinput >bt/${u%.key}.voutput"
done
(cd bt && cat ../*.voutput | $BT --certs ../certs.jsons --step 6 --polynomials ../polynomials.jsons >threshold.json) 2>>"$T/log"
same threshold.json bt/threshold.json
for d in ./*.dkey; do same "$d" "bt/$d"; done
cp public_keys.jsons threshold.json bt/ && (cd bt && belenios-tool setup make-trustees) 2>>"$T/log"
same trustees.json bt/trustees.json
check "belenios election verify with our trustees" sh -c '
    U=$(belenios-tool setup generate-token) &&
    belenios-tool setup generate-credentials --uuid $U --group BELENIOS-2048 --count 2 >/dev/null &&
    mv ./*.pubcreds public_creds.json && mv ./*.privcreds private_creds.txt &&
    belenios-tool setup make-election --uuid $U --group BELENIOS-2048 \
        --template "$1/belenios-2.0-ff/questions.json" &&
    belenios-tool archive init && belenios-tool election verify' sh "$TD"
check "belenios decrypts with our keys" sh -c '
    belenios-tool archive add-event --type=EndBallots </dev/null &&
    belenios-tool election compute-encrypted-tally | belenios-tool archive add-event --type=EncryptedTally &&
    belenios-tool election decrypt --privkey ./*.privkey --trustee-id 1 >/dev/null &&
    i=2 && for u in ./*.key; do
        belenios-tool election decrypt-threshold --key $u --decryption-key ${u%.key}.dkey \
            --trustee-id $i >/dev/null || exit 1; i=$((i + 1)); done'
status 0 "consulta verify" "$C" trustee verify --group BELENIOS-2048

# ---- 2. belenios-tool's ceremony, redone by consulta ---------------------------------------
mkdir -p "$T/theirs" && cd "$T/theirs" || exit 2
check "belenios ceremony" ceremony belenios BELENIOS-2048
belenios-tool setup generate-trustee-key --group BELENIOS-2048 >/dev/null
cat ./*.pubkey >public_keys.jsons
belenios-tool setup make-trustees
check "consulta step 2 on belenios' certificates" $CT --certs certs.jsons --step 2
mkdir c && (cd c && $CT --certs ../certs.jsons --step 4 --polynomials ../polynomials.jsons) 2>>"$T/log"
for v in ./*.vinput; do same "$v" "c/$v"; done
for u in ./*.key; do
    check "consulta step 5 on belenios' vinput ${u%.key}" \
        sh -c "$CT --certs certs.jsons --key $u --step 5 <${u%.key}.vinput >c/${u%.key}.voutput"
done
(cd c && cat ../*.voutput | $CT --certs ../certs.jsons --step 6 --polynomials ../polynomials.jsons >threshold.json) 2>>"$T/log"
same threshold.json c/threshold.json
for d in ./*.dkey; do same "$d" "c/$d"; done
cp trustees.json trustees.bt && check "consulta make on belenios' keys" "$C" trustee make
same trustees.json trustees.bt
status 0 "consulta verify of belenios' trustees.json" "$C" trustee verify --group BELENIOS-2048

# ---- 3. the curve groups, consulta alone --------------------------------------------------
for g in Ed25519 ristretto255; do
    mkdir -p "$T/$g" && cd "$T/$g" || exit 2
    check "consulta ceremony ($g)" ceremony consulta "$g"
    check "consulta keygen ($g)" "$C" trustee keygen --group "$g"
    cat ./*.pubkey >public_keys.jsons
    check "consulta make, group found from the proofs ($g)" "$C" trustee make
    status 0 "consulta verify ($g)" "$C" trustee verify --group "$g" trustees.json
    status 1 "verify in the wrong group ($g)" "$C" trustee verify --group BELENIOS-2048 trustees.json
done

# ---- 4. refusals and usage errors -------------------------------------------------------------
cd "$T/ours" || exit 2
status 1 "threshold above n" $CT --certs certs.jsons --key "$(ls ./*.key | head -1)" --step 3 --threshold 4
says "threshold: 4 is not between 1 and the 3 trustees"
first=$(ls ./*.key | head -1)
second=$(ls ./*.vinput | sed -n 2p)
status 1 "step 5 with another trustee's vinput" sh -c "$CT --certs certs.jsons --key $first --step 5 <$second"
says "AES-CCM authentication tag does not check"
sed 's/"threshold":2/"threshold":0/' trustees.json >bad.json
status 1 "trustees.json with threshold 0" "$C" trustee verify --group BELENIOS-2048 bad.json
says '"threshold" = 0 is outside [1, 3]'
sed 's/^\[\["Single"/[ ["Single"/' trustees.json >bad.json
status 1 "non-canonical trustees.json" "$C" trustee verify --group BELENIOS-2048 bad.json
says "not in canonical form"
head -2 certs.jsons >two.jsons && head -1 certs.jsons >>two.jsons
status 1 "duplicate certificate" $CT --certs two.jsons --step 2
says "certificate 3 ("
mkdir -p "$T/empty"
status 1 "make without keys" "$C" trustee make --dir "$T/empty"
says "trustees are missing"
status 2 "no action" "$C" trustee
status 2 "unknown action" "$C" trustee frobnicate
status 2 "step 7" $CT --step 7
status 2 "missing --certs" $CT --step 2
says "this step needs --certs"
status 2 "missing --threshold" $CT --certs certs.jsons --key "$first" --step 3
status 2 "bad --threshold" $CT --certs certs.jsons --key "$first" --step 3 --threshold two
status 2 "unknown group" "$C" trustee keygen --group RFC-1234
status 2 "unknown option" "$C" trustee keygen --group Ed25519 --colour
status 0 "help" "$C" trustee --help
status 0 "help of an action" "$C" trustee threshold --help

done_testing
