#!/usr/bin/env bash
# Constant time, checked by valgrind: tests/ct_secrets.c (built with
# -DCNS_CTGRIND into $CNS_CT) marks the voter's and the trustee's secrets
# undefined; memcheck must report no branch or memory index depending on them.
set -u
CT=${CNS_CT:?CNS_CT is the constant-time test binary}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
valgrind -q --error-exitcode=99 --num-callers=12 "$CT" >"$out" 2>&1
rc=$?
grep -E '^[0-9]+ passed, [0-9]+ failed' "$out"
if [ "$rc" -eq 99 ]; then
    echo "valgrind: secret-dependent branches or indexes:" >&2
    grep -A8 -E 'Conditional jump|Use of uninitialised' "$out" | head -60 >&2
    echo "0 passed, 1 failed"
    exit 1
fi
echo "1 passed, 0 failed"
[ "$rc" -eq 0 ]
