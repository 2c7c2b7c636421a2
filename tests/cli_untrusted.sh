#!/usr/bin/env bash
# Untrusted text and secret files on the command line (issue 10, items 11, 12):
#  * an election name, question or answer with \r and escape sequences is
#    refused by election-make, and printed escaped by verify (it cannot forge
#    or hide a line); candidates' names in count's text output likewise;
#  * secret files (private credentials, trustee keys) are new files of mode
#    0600 whatever the umask, never written through a symbolic link, never
#    replacing an existing file; serve --init does not print the PostgreSQL
#    password; verify refuses a FIFO named *.bel at once instead of blocking.
set -u
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
PGDATA_DIR=
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    if [ -n "$PGDATA_DIR" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -m immediate stop >/dev/null 2>&1
        rm -rf "$PGDATA_DIR"
    fi
    rm -rf "$T"
}
trap cleanup EXIT
# err_is TEXT: the last stderr kept by status is exactly TEXT.
err_is() {
    local got
    got=$(cat "$T/err")
    if [ "$got" = "$1" ]; then pass; else fail "stderr: '$got', expected '$1'"; fi
}
# no_control FILE: FILE holds no control byte but newlines.
no_control() {
    if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1"; then
        fail "$1 holds control bytes: $(od -c "$1" | head -5)"
    else pass; fi
}

FORGED=$'Assembly\r\e[2K\e[32mconsulta verify: verified\e[0m'
D=$T/e
mkdir -p "$D"
uuid=$("$C" uuid)

# --- secrets --------------------------------------------------------------------
status 0 "credentials under umask 000" sh -c "umask 000 && '$C' credentials --uuid $uuid --count 3 --dir '$D'"
equal "private_creds.txt is 0600" "$(stat -c %a "$D/private_creds.txt")" 600
before=$(sha256sum <"$D/private_creds.txt")
status 1 "credentials again: refused" "$C" credentials --uuid "$uuid" --count 3 --dir "$D"
err_is "consulta: $D/private_creds.txt already exists: refusing to replace it (what it holds may have been handed out already); move it away first"
equal "the credentials handed out are unchanged" "$(sha256sum <"$D/private_creds.txt")" "$before"
equal "no temporary file left" "$(ls "$D" | grep -c XXXX\\\|private_creds.txt.)" 0

mkdir -p "$T/s1" "$T/s2"
ln -s "$T/victim" "$T/s1/private_creds.txt" # dangling: would create the victim
status 1 "a dangling symbolic link is not followed" "$C" credentials --uuid "$uuid" --count 2 --dir "$T/s1"
err_is "consulta: $T/s1/private_creds.txt already exists: refusing to replace it (what it holds may have been handed out already); move it away first"
[ ! -e "$T/victim" ] && pass || fail "the link's target was created"
echo "precious" >"$T/victim2"
chmod 644 "$T/victim2"
ln -s "$T/victim2" "$T/s2/private_creds.txt"
status 1 "a symbolic link to a file is not followed" "$C" credentials --uuid "$uuid" --count 2 --dir "$T/s2"
equal "the link's target is unchanged" "$(cat "$T/victim2")" precious
equal "and keeps its mode" "$(stat -c %a "$T/victim2")" 644

status 0 "trustee keygen under umask 000" sh -c "umask 000 && '$C' trustee keygen --group ristretto255 --dir '$D'"
equal "the private key is 0400" "$(stat -c %a "$D"/*.privkey)" 400
cat "$D"/*.pubkey >"$D/public_keys.jsons"
check "trustees" "$C" trustee make --group ristretto255 --dir "$D"

# verify on a FIFO: refused at once.
mkdir -p "$T/fifo"
mkfifo "$T/fifo/board.bel"
start=$(date +%s)
status 1 "verify FILE.bel, a FIFO" timeout 10 "$C" verify "$T/fifo/board.bel"
grep -qx "consulta verify: $T/fifo/board.bel: not a regular file" "$T/err" && pass || fail "FIFO: $(cat "$T/err")"
status 1 "verify DIR, whose board is a FIFO" timeout 10 "$C" verify "$T/fifo"
grep -qx "consulta verify: $T/fifo/board.bel: not a regular file" "$T/err" && pass || fail "FIFO: $(cat "$T/err")"
[ $(($(date +%s) - start)) -lt 5 ] && pass || fail "verify on a FIFO took $(($(date +%s) - start)) s"

# --- untrusted text ---------------------------------------------------------------
"$PY" -c 'import json,sys; t=json.load(open(sys.argv[1])); t["name"]=sys.argv[2]; json.dump(t,open(sys.argv[3],"w"))' \
    "$TD/belenios-2.0-ff/questions.json" "$FORGED" "$T/bad_name.json"
"$PY" -c 'import json,sys; t=json.load(open(sys.argv[1])); t["questions"][1]["answers"][2]="C\x1b]0;title\x07"; json.dump(t,open(sys.argv[2],"w"))' \
    "$TD/belenios-2.0-ff/questions.json" "$T/bad_answer.json"
status 1 "election-make: a name with control characters" "$C" election-make --uuid "$uuid" --template "$T/bad_name.json" --dir "$D"
err_is "consulta election-make: election.name holds a control character: names, questions and answers must be printable text"
status 1 "election-make: an answer with control characters" "$C" election-make --uuid "$uuid" --template "$T/bad_answer.json" --dir "$D"
err_is "consulta election-make: election.questions[1].answers[2] holds a control character: names, questions and answers must be printable text"
[ ! -e "$D/election.json" ] && pass || fail "election.json written anyway"

# A board whose election.json was made elsewhere with such a name: verify escapes it.
check "election" "$C" election-make --uuid "$uuid" --template "$TD/belenios-2.0-ff/questions.json" --dir "$D"
"$PY" -c 'import json,sys; e=json.loads(open(sys.argv[1]).read()); e["name"]=sys.argv[2]; open(sys.argv[1],"w").write(json.dumps(e,separators=(",",":"),ensure_ascii=False)+"\n")' \
    "$D/election.json" "$FORGED"
check "board of the forged election" "$C" archive-init --dir "$D"
printf '[[1,0,0],[0,1,0,0,0]]\n' >"$D/choices"
head -1 "$D/private_creds.txt" >"$D/voter"
"$C" ballot --dir "$D" --privcred "$D/voter" --choices "$D/choices" >"$D/ballots" 2>>"$T/log"
check "a ballot cast" sh -c "'$C' cast --dir '$D' <'$D/ballots'"
"$C" verify "$D" >"$T/verify.out" 2>&1
no_control "$T/verify.out"
grep -qxF 'election   Assembly\r\x1b[2K\x1b[32mconsulta verify: verified\x1b[0m ('"$uuid"')' "$T/verify.out" &&
    pass || fail "the name is not shown escaped: $(cat -v "$T/verify.out")"
equal "verify prints its usual 8 lines" "$(wc -l <"$T/verify.out")" 8

# count: a candidate's name with control characters, in the text output.
printf '2 1\n1 1 0\n1 2 0\n0\n"Ali\033[2Kce\r"\n"Bob"\n"Title"\n' >"$T/names.blt"
"$C" count --method plurality "$T/names.blt" >"$T/count.out" 2>&1
no_control "$T/count.out"
grep -qF 'Ali\x1b[2Kce\r' "$T/count.out" && pass || fail "count: the name is not escaped: $(cat -v "$T/count.out")"

# --- serve --init does not print the PostgreSQL password ---------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -x "$PGBIN/initdb" ]; then
    PGDATA_DIR=$(mktemp -d /tmp/cns-pg-XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA_DIR"
    if as_pg "$PGBIN/initdb" -D "$PGDATA_DIR/data" --auth=trust -U consulta >>"$T/log" 2>&1 &&
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/log" -w \
            -o "-k $PGDATA_DIR -c listen_addresses=''" start >>"$T/log" 2>&1 &&
        as_pg "$PGBIN/createdb" -h "$PGDATA_DIR" -U consulta board >>"$T/log" 2>&1; then
        PGE=$T/pg
        mkdir -p "$PGE"
        cp "$TD/belenios-2.0-ff/questions.json" "$PGE/"
        u2=$("$C" uuid)
        {
            "$C" credentials --uuid "$u2" --count 2 --dir "$PGE" &&
                "$C" trustee keygen --group ristretto255 --dir "$PGE" &&
                cat "$PGE"/*.pubkey >"$PGE/public_keys.jsons" &&
                "$C" trustee make --group ristretto255 --dir "$PGE" &&
                "$C" election-make --uuid "$u2" --template "$TD/belenios-2.0-ff/questions.json" --dir "$PGE"
        } >>"$T/log" 2>&1
        "$C" serve --init --no-voter-auth --dir "$PGE" \
            --db "host=$PGDATA_DIR dbname=board user=consulta password='hunter2 x'" >"$T/init.out" 2>"$T/init.err"
        equal "serve --init: the password redacted (key/value)" "$(cat "$T/init.out")" \
            "board started in host=$PGDATA_DIR dbname=board user=consulta password=***; access tokens in $PGE/tokens.txt"
        equal "tokens.txt is 0600" "$(stat -c %a "$PGE/tokens.txt")" 600
        as_pg "$PGBIN/createdb" -h "$PGDATA_DIR" -U consulta board2 >>"$T/log" 2>&1
        "$C" serve --init --no-voter-auth --dir "$PGE" --tokens "$T/tokens2.txt" \
            --db "postgresql://consulta:hunter2@/board2?host=$PGDATA_DIR&password=hunter2" >"$T/init2.out" 2>>"$T/init.err"
        equal "serve --init: the password redacted (URI)" "$(cat "$T/init2.out")" \
            "board started in postgresql://consulta:***@/board2?host=$PGDATA_DIR&password=***; access tokens in $T/tokens2.txt"
        grep -q hunter2 "$T/init.err" && fail "serve --init printed the password on stderr" || pass
    else
        fail "postgresql did not start: $(tail -3 "$T/log")"
    fi
else
    fail "postgresql: no initdb in /usr/lib/postgresql"
fi

done_testing
