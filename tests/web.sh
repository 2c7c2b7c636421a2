#!/usr/bin/env bash
# The voting booth (issue 8) in Debian's chromium, driven by npm playwright-core
# against the real `consulta serve` on loopback: each tests/web/test_*.js
# prints "  NAME: N passed, N failed"; this prints their total. Screenshots of
# every step at 360x640 go to build/web-test/screenshots/.
set -u
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
export CNS_WEB=${CNS_WEB:-$here/../build/web}
[ -f "$CNS_WEB/booth/vote.html" ] || { fail "no booth in $CNS_WEB (make web)"; done_testing; exit 1; }
if [ ! -d "$here/web/node_modules/playwright-core" ] || [ ! -d "$here/web/node_modules/axe-core" ]; then
    (cd "$here/web" && npm ci --no-audit --no-fund --silent) || { fail "npm ci in tests/web"; done_testing; exit 1; }
fi
rm -rf "$here/../build/web-test/screenshots"
for t in "$here"/web/test_*.js; do
    node "$t" >"$T/out" 2>&1
    rc=$?
    cat "$T/out"
    line=$(grep -E '^  [a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed$' "$T/out" | tail -1)
    if [ -z "$line" ]; then
        fail "$(basename "$t") printed no summary (exit $rc)"
        continue
    fi
    p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')
    f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || fail "$(basename "$t") exited with $rc"
done
done_testing
