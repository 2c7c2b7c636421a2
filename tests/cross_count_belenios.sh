#!/usr/bin/env bash
# consulta count agrees with `belenios-tool method schulze|majority-judgment|stv`
# (Debian's belenios-tool 2.0) through the CLI on random ballot sets: N per method
# (100; 5000 with CNS_LONG=1; tests/test_count_belenios.c runs 1000 per method in
# process). Ballot sets come from awk's generator with a fixed seed, so a
# failure reproduces. Variants, as docs/counting.md explains:
#   schulze            consulta's Schulze is Belenios' (winning votes, losing
#                      votes as tie-break); compared: valid, blank, raw,
#                      beatpaths, winners (the ranking groups)
#   majority-judgment  compared with "median": "upper" (Belenios takes the
#                      better middle grade of an even count; consulta's default
#                      is Balinski–Laraki's lower one): raw, valid, blank,
#                      invalid (as a multiset), winners
#   stv                compared with method "stv-belenios" and ties by candidate
#                      order: events, winners, invalid (multiset). Belenios adds
#                      floats; consulta uses rationals. A mismatch on a ballot set
#                      where an exact equality decided a step (float_sensitive)
#                      is counted apart, not as a failure. belenios-tool 2.0
#                      stops on an assertion when valid ballots name fewer
#                      choices than there are seats; consulta elects those
#                      named: such sets are counted apart (checked: fewer
#                      winners than seats).
# Prints "N passed, N failed"; exits non-zero on failure.
set -u
BIN=${CNS_BIN:-build/consulta}
N=${CNS_CROSS_N:-100}
[ -n "${CNS_LONG:-}" ] && N=5000
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v belenios-tool >/dev/null || ! command -v jq >/dev/null; then
    echo "belenios-tool or jq missing: cross-check skipped"
    echo "0 passed, 1 failed"
    exit 1
fi

# gen METHOD SEED: one line per case: "nchoices param blank<TAB>ballots-json"
gen() {
    awk -v method="$1" -v seed="$2" -v n="$N" '
    function ri(a, b) { return a + int(rand() * (b - a + 1)) }
    function schulze_ballot(k,   s, i) {
        s = "["; for (i = 1; i <= k; i++) s = s (i > 1 ? "," : "") (rand() < 0.2 ? 0 : ri(1, k)); return s "]" }
    function mj_ballot(k, g,   s, i, v) {
        s = "["; for (i = 1; i <= k; i++) { v = ri(1, g); if (rand() < 0.02) v = g + 1; if (rand() < 0.02) v = 0
            s = s (i > 1 ? "," : "") v }; return s "]" }
    function stv_ballot(k,   s, i, j, t, len, perm, r) {
        for (i = 1; i <= k; i++) perm[i] = i
        for (i = k; i > 1; i--) { j = ri(1, i); t = perm[i]; perm[i] = perm[j]; perm[j] = t }
        len = ri(0, k)
        for (i = 1; i <= k; i++) r[perm[i]] = (i <= len ? i : 0)
        if (rand() < 0.03 && k > 1) r[perm[1]] = r[perm[2]]        # invalid: a repeated rank
        if (rand() < 0.03 && len >= 2) r[perm[1]] = 0              # invalid: a gap
        s = "["; for (i = 1; i <= k; i++) s = s (i > 1 ? "," : "") r[i]; return s "]" }
    BEGIN {
        srand(seed)
        for (c = 0; c < n; c++) {
            k = ri(2, 6); nb = ri(1, 40); blank = (rand() < 0.5) ? "true" : "false"
            param = (method == "stv") ? ri(1, k) : ri(2, 6)
            out = "["
            for (b = 0; b < nb; b++) {
                if (method == "schulze") x = schulze_ballot(k)
                else if (method == "mj") x = mj_ballot(k, param)
                else x = stv_ballot(k)
                if (method != "stv" && rand() < 0.05) { x = "["; for (i = 1; i <= k; i++) x = x (i > 1 ? "," : "") 0; x = x "]" }
                out = out (b ? "," : "") x
            }
            print k " " param " " blank "\t" out "]"
        }
    }'
}

run_method() {
    local m=$1 seed=$2
    gen "$m" "$seed" >"$tmp/$m.cases"
    : >"$tmp/$m.bel"
    : >"$tmp/$m.ours"
    : >"$tmp/$m.param"
    local i=0
    while IFS=$'\t' read -r params ballots; do
        read -r k param blank <<<"$params"
        printf '%s\n' "$ballots" >"$tmp/b.json"
        case $m in
        schulze)
            belenios-tool method schulze --nchoices "$k" --blank-allowed "$blank" <"$tmp/b.json" >>"$tmp/$m.bel"
            ba=()
            [ "$blank" = true ] && ba=(--blank-allowed)
            "$BIN" count --method schulze --ties order "${ba[@]}" --format json "$tmp/b.json" >"$tmp/o.json"
            ;;
        mj)
            belenios-tool method majority-judgment --nchoices "$k" --ngrades "$param" --blank-allowed "$blank" <"$tmp/b.json" >>"$tmp/$m.bel"
            ba=()
            [ "$blank" = true ] && ba=(--blank-allowed)
            "$BIN" count --method majority-judgment --median upper --grades "$param" --ties order "${ba[@]}" --format json "$tmp/b.json" >"$tmp/o.json"
            ;;
        stv)
            belenios-tool method stv --nseats "$param" <"$tmp/b.json" >>"$tmp/$m.bel" 2>/dev/null ||
                echo '{"belenios_failed": true}' >>"$tmp/$m.bel"
            "$BIN" count --method stv-belenios --seats "$param" --ties order --format json "$tmp/b.json" >"$tmp/o.json"
            ;;
        esac
        echo >>"$tmp/$m.bel"
        if [ -s "$tmp/o.json" ]; then
            cat "$tmp/o.json" >>"$tmp/$m.ours"
        else
            echo '{"error": true}' >>"$tmp/$m.ours"
        fi
        echo "$param" >>"$tmp/$m.param"
        i=$((i + 1))
    done <"$tmp/$m.cases"
    # compare case by case, projecting the fields Belenios and consulta share
    jq -n -r --arg m "$m" --slurpfile a "$tmp/$m.bel" --slurpfile o "$tmp/$m.ours" \
        --slurpfile p "$tmp/$m.param" '
        def proj: if $m == "schulze" then {valid, blank, raw, beatpaths, winners}
                  elif $m == "mj" then {raw, valid, blank, winners: (.winners | map(sort)), invalid: (.invalid | sort)}
                  else {events, winners, invalid: (.invalid | sort)} end;
        ($o | map((.belenios // {}) + {float_sensitive: (.float_sensitive // false)})) as $b
        |        [range(0; $a | length) as $i
         | if $a[$i].belenios_failed and ($b[$i].winners | length) < $p[$i] then "refused"
           elif ($a[$i] | proj) == ($b[$i] | proj) then "same"
           elif $b[$i].float_sensitive then "float"
           else "differ \($i)" end] as $r
        | "\($r | map(select(. == "same")) | length) \($r | map(select(. == "float")) | length) \($r | map(select(. == "refused")) | length) \($r | map(select(startswith("differ"))) | .[0:5] | join(","))"' >"$tmp/$m.sum"
    read -r same float refused differ <"$tmp/$m.sum"
    local bad=$((i - same - float - refused))
    echo "$m: $i ballot sets: $same identical, $float float-sensitive (exact equality), $refused refused by belenios-tool (fewer named choices than seats), $bad different ${differ:-}"
    if [ "$bad" -ne 0 ]; then
        for idx in $(echo "$differ" | tr ',' ' ' | sed 's/differ//g'); do
            sed -n "$((idx + 1))p" "$tmp/$m.cases" | head -c 600
            echo
        done
    fi
    pass=$((pass + same + float + refused))
    fail=$((fail + bad))
    # the float-sensitive ones must stay rare
    if [ "$float" -gt $((i / 10)) ]; then
        echo "$m: too many float-sensitive ballot sets"
        fail=$((fail + 1))
    fi
}

run_method schulze 11
run_method mj 12
run_method stv 13
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
