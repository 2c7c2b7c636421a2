# Shared by the shell tests: counters, checks, and the closing
# "N passed, N failed" line. Source it after setting nothing; it makes $T, a
# temporary folder removed on exit, and reads $CNS_BIN and $CNS_TESTDATA.
C=${CNS_BIN:?CNS_BIN is the consulta binary}
TD=${CNS_TESTDATA:?CNS_TESTDATA is the reference data folder}
passed=0
failed=0
T=$(mktemp -d /tmp/cns-test-XXXXXX)
trap 'rm -rf "$T"' EXIT
export BELENIOS_USE_URANDOM=1
# Reports in English whatever the tester's locale (tests/acta.sh sets others).
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $*" >&2
}
# check DESCRIPTION COMMAND…: the command must succeed (its output goes to $T/log).
check() {
    local what=$1
    shift
    if "$@" >>"$T/log" 2>&1; then pass; else fail "$what (see below)"; tail -5 "$T/log" >&2; fi
}
# status WANT DESCRIPTION COMMAND…: the command must exit with WANT; stderr kept in $T/err.
status() {
    local want=$1 what=$2
    shift 2
    "$@" >/dev/null 2>"$T/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then pass; else fail "$what: exit $rc, expected $want: $(cat "$T/err")"; fi
}
# says NEEDLE: the last stderr kept by status mentions NEEDLE.
says() {
    if grep -qF -- "$1" "$T/err"; then pass; else fail "message lacks '$1': $(cat "$T/err")"; fi
}
# same A B: two files have the same bytes.
same() {
    if cmp -s "$1" "$2"; then pass; else fail "$1 and $2 differ"; fi
}
# equal DESCRIPTION A B: two strings are equal.
equal() {
    if [ "$2" = "$3" ]; then pass; else fail "$1: '$2' != '$3'"; fi
}
# done_testing: the closing line and the exit status.
done_testing() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
