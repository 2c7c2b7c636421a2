#!/usr/bin/env bash
# Voter authentication on the board server (issue 8 items 4-6, 10; ATTACKS.md
# #18), over real HTTP with curl, on SQLite and on PostgreSQL (its own server
# in a temporary folder, as tests/server.sh starts it):
#  1. consulta credentials --voters: the CSV list read liberally, its errors
#     named by line and column; private_creds.txt keyed by login,
#     public_creds.json without logins, bindings.csv for the server;
#  2. serve --init --voters: codes.csv (mode 0600) for the administrator;
#     a bad binding refused with its line, nothing stored;
#  3. casting: right login and code; no headers, unknown login, wrong or
#     malformed code ('auth'); a used code ('code_used'); another voter's
#     credential ('wrong_credential'); a revote with another code; the safe
#     retry (200, same tracker, nothing stored, even with the consumed code);
#     a ballot exactly as consulta ballot prints it (trailing newline) and
#     nothing more; every refusal leaves the board's head unchanged;
#  4. GET …/ballots/TRACKER (full tracker, short code in any case, with or
#     without its dash) and GET …/credentials/PUBCRED;
#  5. no login and no code in the export or in any public route;
#  6. the BELENIOS-2048 export, its election carrying translations
#     (election.json's "translations"), verifies with belenios-tool;
#  7. an election without voter authentication: the warning, "auth":"none";
#     opening and closing dates: "state" and 409 'state' before and after.
set -u
. "$(dirname "$0")/lib.sh"
# The reference questions, with their texts in Spanish, Quechua, Aymara and English.
QUESTIONS=$T/questions.json
cat >"$QUESTIONS" <<'EOF'
{"description":"Benchmark consultation.","name":"Bench","questions":[{"answers":["Yes","No"],"blank":true,"min":1,"max":1,"question":"Do you approve the proposal?"},{"answers":["Option A","Option B","Option C","Option D","Option E"],"min":1,"max":1,"question":"Which option do you prefer?"}],
 "translations":{"es":{"description":"Consulta de prueba.","name":"Prueba","questions":[{"answers":["Sí","No"],"question":"¿Aprueba la propuesta?"},{"answers":["Opción A","Opción B","Opción C","Opción D","Opción E"],"question":"¿Qué opción prefiere?"}]},
  "qu":{"name":"Pruebapaq","questions":[{"answers":["Arí","Manan"],"question":"¿Kay yuyaychayta chaskinkichu?"},{"answers":["A","B","C","D","E"],"question":"¿Mayqintataq munanki?"}]},
  "ay":{"name":"Yant'awi"},"en":{"name":"Bench"}}}
EOF
PIDS=()
PGDATA_DIR=
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    if [ -n "$PGDATA_DIR" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -m immediate stop >/dev/null 2>&1
        rm -rf "$PGDATA_DIR"
    fi
    rm -rf "$T"
}
trap cleanup EXIT
command -v curl >/dev/null || { fail "curl is missing (scripts/install-deps)"; done_testing; exit 1; }

# Logins that cannot turn up by chance in Base64 or in numbers.
LOGINS=(ana.quispe@puno beto-mamani carla_condori dora.huanca)

# election DIR GROUP: the voters' list, credentials bound to logins, one trustee, election.json.
election() {
    local dir=$1 group=$2 uuid
    mkdir -p "$dir"
    uuid=$("$C" uuid)
    {
        printf '\xef\xbb\xbfLogin,Name,Phone,Community,Weight\r\n'
        printf '%s,"Quispe, Ana",591700001,Puno,2\r\n' "${LOGINS[0]}"
        printf '%s,Beto Mamani,,Oruro,1\r\n' "${LOGINS[1]}"
        printf '"%s",Carla Condori,591700003,"El Alto",1\r\n' "${LOGINS[2]}"
        printf '%s,Dora Huanca,591700004,Sucre,3\r\n\r\n' "${LOGINS[3]}"
    } >"$dir/voters.csv"
    "$C" credentials --uuid "$uuid" --voters "$dir/voters.csv" --group "$group" --dir "$dir" >>"$T/log" 2>&1 &&
        "$C" trustee keygen --group "$group" --dir "$dir" >>"$T/log" 2>&1 &&
        cat "$dir"/*.pubkey >"$dir/public_keys.jsons" &&
        "$C" trustee make --group "$group" --dir "$dir" >>"$T/log" 2>&1 &&
        "$C" election-make --uuid "$uuid" --group "$group" --template "$QUESTIONS" --dir "$dir" >>"$T/log" 2>&1
}
uuid_of() { grep -o '"uuid":"[^"]*"' "$1/election.json" | cut -d'"' -f4; }

# ballot DIR K LOGIN CHOICES: DIR/K.ballot, made by consulta ballot with LOGIN's credential.
ballot() {
    grep "^$3 " "$1/private_creds.txt" >"$T/cred"
    echo "$4" >"$T/choices"
    "$C" ballot --dir "$1" --privcred "$T/cred" --choices "$T/choices" >"$1/$2.ballot" 2>>"$T/log"
}

# serve NAME DB: a server in the background on a free port; sets URL.
serve() {
    local i
    rm -f "$T/$1.port"
    "$C" serve --db "$2" --port 0 --port-file "$T/$1.port" >>"$T/$1.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=($!)
    for ((i = 0; i < 600; i++)); do
        [ -s "$T/$1.port" ] && break
        sleep 0.1
    done
    URL=http://127.0.0.1:$(cat "$T/$1.port")/elections/$UUID
}

# req METHOD PATH [BODY-FILE [LOGIN CODE]]: "STATUS BODY" of one request to the election.
req() {
    local args=(-s -o "$T/body" -w '%{http_code}' -X "$1")
    [ -n "${3:-}" ] && args+=(--data-binary "@$3")
    [ -n "${4:-}" ] && args+=(-H "X-Consulta-Login: $4" -H "X-Consulta-Code: $5")
    local status
    status=$(curl "${args[@]}" "$URL$2")
    echo "$status $(cat "$T/body")"
}
head_now() { req GET /head | cut -d' ' -f2-; }

# ok WHAT PATH BODY LOGIN CODE NEEDLE: the ballot is accepted (200, NEEDLE in the answer).
ok() {
    local got
    got=$(req POST "$2" "$3" "$4" "$5")
    if [ "${got%% *}" = 200 ] && grep -qF -- "$6" <<<"$got"; then pass; else fail "$1: got '${got:0:200}'"; fi
    LAST=${got#* }
}

# refused WHAT STATUS ERROR BODY LOGIN CODE: exactly this refusal, and the board unchanged.
refused() {
    local before got after
    before=$(head_now)
    got=$(req POST /ballots "$4" "$5" "$6")
    REFUSAL=$got
    after=$(head_now)
    if [ "${got%% *}" = "$2" ] && grep -qF -- "\"error\":\"$3\"" <<<"$got"; then pass; else fail "$1: got '${got:0:200}', expected $2 $3"; fi
    equal "$1: the board is unchanged" "$after" "$before"
}

# code LOGIN K: LOGIN's K-th one-time code in DIR/codes.csv.
code() { grep "^$1," "$DIR/codes.csv" | cut -d, -f$(($2 + 1)); }
field() { grep -o "\"$1\":[^,}]*" <<<"$2" | head -1 | cut -d: -f2- | tr -d '"'; }

# 1. the voter list ---------------------------------------------------------------
voter_list() {
    local dir=$T/list uuid
    mkdir -p "$dir"
    uuid=$("$C" uuid)
    bad() { # bad WHAT NEEDLE CSV-TEXT
        printf "$3" >"$dir/bad.csv"
        status 1 "voter list: $1" "$C" credentials --uuid "$uuid" --voters "$dir/bad.csv" --dir "$dir"
        says "$2"
    }
    bad "no login column" "line 1: the header must name a 'login' column" 'name,weight\nAna,1\n'
    bad "login twice" "line 4, column 'login': the same login as line 2" 'login\nana\nbeto\nana\n'
    bad "a weight of 0" "line 3, column 'weight': expected a whole number from 1 to 4294967295" 'login,weight\nana,1\nbeto,0\n'
    bad "an empty weight" "line 2, column 'weight'" 'login,weight\nana,\n'
    bad "a login with a space" "line 2, column 'login': a login is 1 to 255 printable ASCII" 'login\nana quispe\n'
    bad "an empty login" "line 3, column 'login'" 'login,name\nana,A\n,B\n'
    bad "a field missing" "line 3: 1 fields, the header has 2" 'login,name\nana,A\nbeto\n'
    bad "an unclosed quote" "line 2: a quoted field is not closed" 'login,name\nana,"Ana\n'
    bad "a column twice" "line 1, column 'LOGIN': the column appears twice in the header" 'login,LOGIN\na,b\n'
    bad "no voter" "0 voters" 'login\n\n'
    mkdir -p "$dir/semi"
    printf 'Usuario;Nombre;Peso\r\n"ana";"Quispe; Ana";2\r\nbeto;"Beto, Mamani";1\r\n' >"$dir/semicolons.csv"
    check "voter list with semicolons and Spanish column names" "$C" credentials --uuid "$uuid" --voters "$dir/semicolons.csv" --dir "$dir/semi"
    equal "voter list with semicolons: logins" "$(cut -d' ' -f1 "$dir/semi/private_creds.txt" 2>/dev/null | tr '\n' ' ')" "ana beto "
    equal "voter list with semicolons: weights" "$(grep -o ',[0-9][0-9]*"' "$dir/semi/public_creds.json" 2>/dev/null | sort | tr -d '\n')" ',1",2"'
    status 2 "voter list and --count" "$C" credentials --uuid "$uuid" --voters "$dir/bad.csv" --count 3 --dir "$dir"
    says "--count and --voters exclude each other"
    printf 'x\n' >"$dir/w"
    status 2 "voter list and --weights" "$C" credentials --uuid "$uuid" --voters "$dir/bad.csv" --weights "$dir/w" --dir "$dir"
    says "weight column"
    [ ! -e "$dir/public_creds.json" ] && [ ! -e "$dir/bindings.csv" ] && pass || fail "voter list: a refused list wrote files"
}

# 2.-6. one election with voter authentication ----------------------------------------
with_codes() {
    local what=$1 group=$2 db=$3 t1 t2 c1 c2 before
    DIR=$T/$what
    election "$DIR" "$group" || { fail "$what: election setup"; return; }
    UUID=$(uuid_of "$DIR")
    # what the credential authority wrote
    equal "$what: private_creds.txt keyed by login" "$(cut -d' ' -f1 "$DIR/private_creds.txt" | tr '\n' ' ')" "${LOGINS[*]} "
    equal "$what: bindings.csv, header and one line per voter" "$(cut -d, -f1 "$DIR/bindings.csv" | tr '\n' ' ')" "login ${LOGINS[*]} "
    equal "$what: bindings.csv is private" "$(stat -c %a "$DIR/bindings.csv")" 600
    if grep -qE 'quispe|mamani|condori|huanca' "$DIR/public_creds.json"; then fail "$what: a login in public_creds.json"; else pass; fi
    equal "$what: weights from the list" "$(grep -o ',[0-9][0-9]*"' "$DIR/public_creds.json" | sort | tr -d '\n')" ',1",1",2",3"'
    grep -q "column 'Phone' ignored" "$T/log" && pass || fail "$what: the ignored column is not reported"
    # a bad binding is refused with its line, and nothing is stored
    head -3 "$DIR/bindings.csv" >"$T/short.csv"
    status 1 "$what: a binding missing voters" "$C" serve --init --dir "$DIR" --db "$db" --voters "$T/short.csv"
    says "2 logins for 4 public credentials"
    { head -2 "$DIR/bindings.csv"; sed -n 2p "$DIR/bindings.csv" | sed 's/^[^,]*/eve/'; tail -2 "$DIR/bindings.csv"; } >"$T/twice.csv"
    status 1 "$what: a credential bound twice" "$C" serve --init --dir "$DIR" --db "$db" --voters "$T/twice.csv"
    says "voter binding: line 3: the credential is bound twice"
    [ ! -e "$DIR/tokens.txt" ] && [ ! -e "$DIR/codes.csv" ] && pass || fail "$what: a refused init wrote files"
    status 2 "$what: --init without a choice" "$C" serve --init --dir "$DIR" --db "$db"
    says "--init needs --voters FILE"
    check "$what: serve --init --voters" "$C" serve --init --dir "$DIR" --db "$db" --voters "$DIR/bindings.csv" --codes 2
    equal "$what: codes.csv is private" "$(stat -c %a "$DIR/codes.csv")" 600
    equal "$what: codes.csv header" "$(head -1 "$DIR/codes.csv")" "login,code1,code2"
    grep -qE "^${LOGINS[0]},[0-9]{4}-[0-9]{4}-[0-9]{4},[0-9]{4}-[0-9]{4}-[0-9]{4}$" "$DIR/codes.csv" && pass || fail "$what: codes.csv lines"
    serve "$what" "$db"
    grep -q '"state":"open","auth":"code"}' <<<"$(head_now)" && pass || fail "$what: head: $(head_now)"

    local ana=${LOGINS[0]} beto=${LOGINS[1]}
    ballot "$DIR" ana1 "$ana" '[[1,0,0],[0,1,0,0,0]]'
    ballot "$DIR" ana2 "$ana" '[[0,1,0],[0,0,1,0,0]]'
    ballot "$DIR" ana3 "$ana" '[[0,0,1],[0,0,0,1,0]]'
    ballot "$DIR" beto1 "$beto" '[[0,0,1],[1,0,0,0,0]]'
    [ "$(tail -c1 "$DIR/ana1.ballot" | od -An -c | tr -d ' ')" = '\n' ] && pass || fail "$what: consulta ballot ends its ballot with a newline"
    c1=$(code "$ana" 1) c2=$(code "$ana" 2)
    refused "$what: no login or code" 401 auth "$DIR/ana1.ballot" "" ""
    refused "$what: unknown login" 401 auth "$DIR/ana1.ballot" nobody "$c1"
    refused "$what: wrong code" 401 auth "$DIR/ana1.ballot" "$ana" 0000-0000-0000
    refused "$what: malformed code" 401 auth "$DIR/ana1.ballot" "$ana" "${c1}9"
    refused "$what: another voter's code" 401 auth "$DIR/ana1.ballot" "$ana" "$(code "$beto" 1)"
    refused "$what: another voter's credential" 403 wrong_credential "$DIR/beto1.ballot" "$ana" "$c1"
    ok "$what: cast (as consulta ballot prints it)" /ballots "$DIR/ana1.ballot" "$ana" "$c1" '"tracker":"'
    t1=$(field tracker "$LAST") s1=$(field code "$LAST")
    [[ $s1 =~ ^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$ ]] && pass || fail "$what: short code '$s1'"
    before=$(head_now)
    ok "$what: safe retry with the consumed code" /ballots "$DIR/ana1.ballot" "$ana" "$c1" "\"tracker\":\"$t1\",\"code\":\"$s1\""
    ok "$what: safe retry with another of the voter's codes" /ballots "$DIR/ana1.ballot" "$ana" "$c2" "\"tracker\":\"$t1\""
    equal "$what: retries store nothing" "$(head_now)" "$before"
    refused "$what: someone else's retry" 403 wrong_credential "$DIR/ana1.ballot" "$beto" "$(code "$beto" 1)"
    refused "$what: a used code" 401 code_used "$DIR/ana2.ballot" "$ana" "$c1"
    printf '%s\n\n' "$(cat "$DIR/ana2.ballot")" >"$T/two-newlines"
    refused "$what: two trailing newlines" 400 decode "$T/two-newlines" "$ana" "$c2"
    printf '%s\r\n' "$(cat "$DIR/ana2.ballot")" >"$T/crlf"
    refused "$what: a trailing CRLF" 400 decode "$T/crlf" "$ana" "$c2"
    printf '%s' "$(cat "$DIR/ana2.ballot")" >"$T/no-newline"
    ok "$what: revote with the second code (no trailing newline)" /ballots "$T/no-newline" "$ana" "$c2" '"tracker":"'
    t2=$(field tracker "$LAST") s2=$(field code "$LAST")
    refused "$what: every code used" 401 code_used "$DIR/ana3.ballot" "$ana" "$c2"
    ok "$what: another voter" /ballots "$DIR/beto1.ballot" "$beto" "$(code "$beto" 2)" '"tracker":"'
    grep -q '"ballots":3,"counted":2,' <<<"$(head_now)" && pass || fail "$what: counts: $(head_now)"
    # consulta cast --url, as a voter at a terminal: the login and a code
    local carla=${LOGINS[3]}
    ballot "$DIR" carla1 "$carla" '[[1,0,0],[1,0,0,0,0]]'
    before=$(head_now)
    "$C" cast --url "$URL" --login "$carla" --code 0000-0000-0000 <"$DIR/carla1.ballot" >"$T/cast.out" 2>&1 &&
        fail "$what: cast --url with a wrong code succeeded" ||
        { grep -qF "the server refused it (HTTP 401, auth)" "$T/cast.out" && pass || fail "$what: cast --url wrong code: $(cat "$T/cast.out")"; }
    equal "$what: cast --url refused: the board is unchanged" "$(head_now)" "$before"
    check "$what: consulta cast --url --login --code" "$C" cast --url "$URL" --login "$carla" --code "$(code "$carla" 1)" <"$DIR/carla1.ballot"
    grep -q '"ballots":4,"counted":3,' <<<"$(head_now)" && pass || fail "$what: counts after cast --url: $(head_now)"

    # 4. lookups
    local q1 low
    q1=$(sed 's|/|%2F|g; s|+|%2B|g' <<<"$t1")
    equal "$what: GET ballots/TRACKER (replaced)" "$(req GET "/ballots/$q1")" "200 {\"tracker\":\"$t1\",\"code\":\"$s1\",\"entry\":6,\"counted\":false,\"replaced_by\":\"$t2\"}"
    equal "$what: GET ballots/TRACKER unescaped" "$(req GET "/ballots/$t1" | cut -c1-60)" "$(req GET "/ballots/$q1" | cut -c1-60)"
    equal "$what: GET ballots/SHORT-CODE" "$(req GET "/ballots/$s2")" "200 {\"tracker\":\"$t2\",\"code\":\"$s2\",\"entry\":8,\"counted\":true,\"replaced_by\":null}"
    low=$(tr 'A-Z' 'a-z' <<<"${s2/-/}")
    equal "$what: short code in lower case, no dash" "$(req GET "/ballots/$low")" "$(req GET "/ballots/$s2")"
    equal "$what: URL-safe tracker" "$(req GET "/ballots/$(tr '+/' '-_' <<<"$t2")")" "$(req GET "/ballots/$s2")"
    equal "$what: unknown tracker" "$(req GET /ballots/47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU)" '404 {"error":"notfound","message":"no ballot on the board has this tracker"}'
    grep -q '^400 {"error":"decode"' <<<"$(req GET /ballots/ABCD-EFGU)" && pass || fail "$what: a bad short code"
    grep -q '^400 {"error":"decode"' <<<"$(req GET /ballots/abc)" && pass || fail "$what: a bad tracker"
    local pa pb
    pa=$(grep "^$ana," "$DIR/bindings.csv" | cut -d, -f2) pb=$(grep "^${LOGINS[2]}," "$DIR/bindings.csv" | cut -d, -f2)
    grep -qE '^200 \{"ballots":2,"last":[0-9]{10}\}$' <<<"$(req GET "/credentials/$pa")" && pass || fail "$what: credentials lookup: $(req GET "/credentials/$pa")"
    equal "$what: a credential without ballot" "$(req GET "/credentials/$pb")" '200 {"ballots":0,"last":null}'
    local pk
    pk=$(grep -o '"public_key":"[^"]*"' "$DIR/election.json" | cut -d'"' -f4)
    grep -q '^404 {"error":"notfound","message":"not a public credential' <<<"$(req GET "/credentials/$pk")" && pass || fail "$what: not a credential: $(req GET "/credentials/$pk")"
    grep -q '^400 {"error":"decode"' <<<"$(req GET /credentials/nonsense)" && pass || fail "$what: a bad credential"

    # a board whose ballots have no casts rows (appended by an older server) gets them back
    if [ "$what" = pg ]; then
        local before_lookup
        before_lookup=$(req GET "/ballots/$s2")
        kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null
        as_pg "$PGBIN/psql" -h "$PGDATA_DIR" -U consulta -d board -qc "DELETE FROM casts" >>"$T/log" 2>&1
        equal "$what: casts emptied" "$(as_pg "$PGBIN/psql" -h "$PGDATA_DIR" -U consulta -d board -tAc "SELECT count(*) FROM casts")" 0
        serve "$what" "$db"
        equal "$what: lookups after the casts are rebuilt" "$(req GET "/ballots/$s2")" "$before_lookup"
        equal "$what: a rebuilt credential lookup (no arrival time)" "$(req GET "/credentials/$pa")" '200 {"ballots":2,"last":null}'
    fi

    # 5. no login and no code anywhere public
    mkdir -p "$DIR/export"
    check "$what: export" "$C" export --db "$db" --out "$DIR/export"
    {
        for r in "" /election /trustees /public_creds /head "/ballots?limit=1000" /archive "/ballots/$q1" "/credentials/$pa"; do
            curl -s "$URL$r"
        done
        cat "$DIR"/export/*
    } >"$T/public"
    local leaks=0 l
    for l in "${LOGINS[@]}"; do grep -qaF "$l" "$T/public" && leaks=$((leaks + 1)); done
    for l in $(cut -d, -f2- "$DIR/codes.csv" | tail -n +2 | tr ',' ' '); do
        grep -qaF -e "$l" -e "${l//-/}" "$T/public" && leaks=$((leaks + 1))
    done
    equal "$what: logins and codes in the export and public routes" "$leaks" 0
    check "$what: consulta verifies the export" "$C" verify --quiet "$DIR/export"
    grep -q '"translations":{"ay":{"name":"Yant'"'"'awi"},"en":' "$DIR/export/election.json" && pass || fail "$what: the translations are not in election.json"
    if [ "$group" = BELENIOS-2048 ]; then
        check "$what: belenios-tool verifies the export (with translations)" belenios-tool election verify --dir "$DIR/export"
    fi
}

postgres_db() {
    PGDATA_DIR=$(mktemp -d /tmp/cns-pg-XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA_DIR"
    as_pg "$PGBIN/initdb" -D "$PGDATA_DIR/data" --auth=trust -U consulta >>"$T/log" 2>&1 &&
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/log" -w \
            -o "-k $PGDATA_DIR -c listen_addresses='' -c fsync=off" start >>"$T/log" 2>&1 &&
        as_pg "$PGBIN/createdb" -h "$PGDATA_DIR" -U consulta board >>"$T/log" 2>&1
}

# 7. without voter authentication ----------------------------------------------------
without_codes() {
    DIR=$T/none
    election "$DIR" ristretto255 || { fail "none: election setup"; return; }
    UUID=$(uuid_of "$DIR")
    "$C" serve --init --dir "$DIR" --no-voter-auth >"$T/none.out" 2>"$T/err"
    says "WARNING: voters are NOT authenticated"
    [ ! -e "$DIR/codes.csv" ] && pass || fail "none: codes made"
    status 2 "none: --no-voter-auth with --codes" "$C" serve --init --dir "$T" --no-voter-auth --codes 2
    says "--codes and --codes-file go with --voters"
    serve none "$DIR/board.sqlite"
    grep -q '"state":"open","auth":"none"}' <<<"$(head_now)" && pass || fail "none: head: $(head_now)"
    ballot "$DIR" a "${LOGINS[0]}" '[[1,0,0],[0,1,0,0,0]]'
    ok "none: cast with the credential alone" /ballots "$DIR/a.ballot" "" "" '"tracker":"'
    local t=$(field tracker "$LAST") before=$(head_now)
    ok "none: safe retry" /ballots "$DIR/a.ballot" "" "" "\"tracker\":\"$t\""
    equal "none: the retry stores nothing" "$(head_now)" "$before"
    ballot "$DIR" b "${LOGINS[1]}" '[[0,1,0],[0,1,0,0,0]]'
    ok "none: headers are ignored" /ballots "$DIR/b.ballot" someone 1234 '"tracker":"'
    local admin
    admin=$(grep '^admin ' "$DIR/tokens.txt" | cut -d' ' -f2)
    equal "none: close" "$(curl -s -X POST -H "Authorization: Bearer $admin" "$URL/close")" '{"done":"ballot box closed"}'
    grep -q '"state":"closed","auth":"none"}' <<<"$(head_now)" && pass || fail "none: head after close: $(head_now)"
    ballot "$DIR" c "${LOGINS[2]}" '[[0,1,0],[0,1,0,0,0]]'
    refused "none: the ballot box is closed" 409 state "$DIR/c.ballot" "" ""

    # dates: before the opening and after the closing, ballots are refused
    status 2 "dates: a bad date" "$C" serve --init --dir "$DIR" --db "$T/x.sqlite" --no-voter-auth --opens 2026-13-01T00:00Z
    says "expected a UTC date"
    status 1 "dates: closing before opening" "$C" serve --init --dir "$DIR" --db "$T/x.sqlite" --tokens "$T/x.tokens" --no-voter-auth --opens 2030-01-02T00:00Z --closes 2030-01-01T00:00:00Z
    says "voting must close after it opens"
    check "dates: a scheduled election" "$C" serve --init --dir "$DIR" --db "$T/later.sqlite" --tokens "$T/later.tokens" --no-voter-auth --opens 2099-01-01T08:00Z
    serve later "$T/later.sqlite"
    grep -q '"state":"scheduled","opens":4070937600,"auth":"none"}' <<<"$(head_now)" && pass || fail "dates: head: $(head_now)"
    refused "dates: before the opening" 409 state "$DIR/b.ballot" "" ""
    grep -q 'voting opens at 2099-01-01T08:00:00Z' <<<"$REFUSAL" && pass || fail "dates: $REFUSAL"
    check "dates: a closed election" "$C" serve --init --dir "$DIR" --db "$T/past.sqlite" --tokens "$T/past.tokens" --no-voter-auth --opens 1 --closes 1000
    serve past "$T/past.sqlite"
    grep -q '"state":"closed","opens":1,"closes":1000,"auth":"none"}' <<<"$(head_now)" && pass || fail "dates: head: $(head_now)"
    refused "dates: after the closing" 409 state "$DIR/b.ballot" "" ""
    grep -q 'voting closed at 1970-01-01T00:16:40Z' <<<"$REFUSAL" && pass || fail "dates: $REFUSAL"
}

voter_list
with_codes sqlite-ff BELENIOS-2048 "$T/sqlite-ff.sqlite"
if [ -x "$PGBIN/initdb" ] && postgres_db; then
    with_codes pg ristretto255 "host=$PGDATA_DIR dbname=board user=consulta"
else
    fail "postgresql: cannot start it: $(tail -3 "$T/log")"
fi
without_codes
done_testing
