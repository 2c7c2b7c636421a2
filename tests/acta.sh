#!/usr/bin/env bash
# The published result for people (issue 12): a whole weighted election on
# ristretto255 (a referendum, a D'Hondt question with a long list name and
# Peru's 2026 threshold, an approval question), then
#  1. every command says what it did; consulta --version; export --out
#     makes its folder;
#  2. verify shows the credentials' fingerprint as the credential authority
#     recomputes it from public_creds.json, and the trustee's key id (the name
#     of its key file) and that it decrypted — in English and in Spanish;
#  3. count --election: exact reports (Spanish with es_PE's separators,
#     English), ballots and marks apart on the approval question, the SVG
#     titled by the election; refusals;
#  4. the acta: PDF in Spanish by default, its text (pdftotext) has the
#     counts, seats, elected, chain head and the whole long list name; its QR
#     code (zbarimg) holds the results page's address; --lang en; refusals.
set -u
. "$(dirname "$0")/lib.sh"

LONG="Frente Amplio de Trabajadores, Campesinos, Estudiantes y Pueblos Originarios del Perú por la Justicia Social"
TEMPLATE='{"description":"Asamblea","name":"Asamblea 2026","questions":[{"answers":["Sí","No"],"blank":true,"min":1,"max":1,"question":"¿Aprueba?"},{"answers":["APRA","PPC","'$LONG'","PSR"],"blank":true,"min":1,"max":1,"question":"Listas"},{"answers":["Agua","Luz","Desagüe","Pistas"],"blank":true,"min":1,"max":2,"question":"Obras prioritarias (marque hasta dos)"}],"counting":[{"question":0,"method":"referendum","participation_percent":30},{"question":1,"method":"dhondt","seats":10,"threshold":"peru-2026","tie_seed":"JNE acta de sorteo"},{"question":2,"method":"approval","seats":2,"ties":"order"}]}'

# choices: voter i's choices (20 voters, each of weight 1500).
choices() {
    local i q1 q2 q3
    for ((i = 0; i < 20; i++)); do
        if ((i < 11)); then q1='[0,1,0]'; elif ((i < 17)); then q1='[0,0,1]'; else q1='[1,0,0]'; fi
        if ((i < 10)); then q2='[0,1,0,0,0]'; elif ((i < 15)); then q2='[0,0,1,0,0]'
        elif ((i < 18)); then q2='[0,0,0,1,0]'; elif ((i < 19)); then q2='[0,0,0,0,1]'
        else q2='[1,0,0,0,0]'; fi
        if ((i < 10)); then q3='[0,1,1,0,0]'; elif ((i < 15)); then q3='[0,0,0,1,0]'
        elif ((i < 18)); then q3='[0,1,0,0,1]'; else q3='[1,0,0,0,0]'; fi
        echo "[$q1,$q2,$q3]"
    done
}

D=$T/asamblea
mkdir -p "$D"
uuid=$("$C" uuid)
echo "$TEMPLATE" >"$D/template.json"
for _ in $(seq 20); do echo 1500; done >"$D/weights.txt"

# 1. ---------------------------------------------------------------------------
version=$("$C" --version)
equal "--version" "${version%% *}" "consulta"
check "credentials" "$C" credentials --uuid "$uuid" --count 20 --group ristretto255 --weights "$D/weights.txt" --dir "$D"
check "trustee key" "$C" trustee keygen --group ristretto255 --dir "$D"
cat "$D"/*.pubkey >"$D/public_keys.jsons"
"$C" trustee make --group ristretto255 --dir "$D" 2>"$T/said"
equal "trustee make says so" "$(cat "$T/said")" "I: trustees checked and saved to $D/trustees.json"
said=$("$C" election-make --uuid "$uuid" --group ristretto255 --template "$D/template.json" --dir "$D")
phi=$(head -c -1 "$D/election.json" | openssl dgst -sha256 -binary | base64 | tr -d =)
equal "election-make says so" "$said" "$D/election.json: election $uuid written, fingerprint $phi"
check "board" "$C" archive-init --dir "$D"
choices >"$D/choices.txt"
check "ballots" sh -c "'$C' ballot --dir '$D' --privcred '$D/private_creds.txt' --choices '$D/choices.txt' | '$C' cast --dir '$D' >/dev/null"
equal "close says so" "$("$C" close --dir "$D")" "$D: ballot box closed, 20 ballots cast, 20 counted"
equal "tally says so" "$("$C" tally --dir "$D")" "$D: encrypted tally of 20 ballots published"
check "decrypt" sh -c "'$C' decrypt --dir '$D' --privkey $D/*.privkey | '$C' add-event --dir '$D' --type PartialDecryption"
mkdir -p "$T/served"
cp "$D/election.json" "$D/trustees.json" "$D/public_creds.json" "$T/served/"
check "serve --init" "$C" serve --init --no-voter-auth --dir "$T/served"
out=$("$C" export --dir "$T/served" --out "$T/served/new/folder")
equal "export --out makes its folder" "$out" "$T/served/new/folder/$uuid.bel: exported"
cp -r "$D" "$T/unfinished"
rm "$T/unfinished/outcome.json" 2>/dev/null
check "result" "$C" result --dir "$D"

# 2. ---------------------------------------------------------------------------
creds=$(head -c -1 "$D/public_creds.json" | openssl dgst -sha256 -binary | base64 | tr -d =)
key=$(basename "$D"/*.pubkey .pubkey)
LANG=C "$C" verify "$D" >"$T/verify.en"
head=$(sed -n 's/^chain head \([0-9a-f]*\) (height \([0-9]*\))$/\1/p' "$T/verify.en")
height=$(sed -n 's/^chain head \([0-9a-f]*\) (height \([0-9]*\))$/\2/p' "$T/verify.en")
equal "verify: a chain head" "${#head}" 64
equal "verify: credentials, en" "$(grep '^credentials' "$T/verify.en")" "credentials fingerprint $creds"
equal "verify: trustee, en" "$(grep '^trustee' "$T/verify.en")" "trustee 1  key $key, decrypted"
"$C" verify --lang es "$D" >"$T/verify.es"
equal "verify: credentials, es" "$(grep '^huella' "$T/verify.es")" "huella de las credenciales $creds"
equal "verify: trustee, es" "$(grep '^custodio' "$T/verify.es")" "custodio 1  clave $key, descifró"
equal "verify: chain head, es" "$(grep '^cabeza' "$T/verify.es")" "cabeza      $head (altura $height)"
bel=$(ls "$D"/*.bel)
equal "verify: last line, es" "$(tail -1 "$T/verify.es")" "$bel: verificado"
equal "verify: last line, en" "$(tail -1 "$T/verify.en")" "$bel: verified"
equal "verify: the verdict, es" "$(grep -c '^Resultado: gana «Sí».$' "$T/verify.es")" 1
equal "verify: approval's rule, es" "$(grep -c '^Regla de cómputo: aprobación, 2 escaños$' "$T/verify.es")" 1
LC_ALL=es_PE.UTF-8 "$C" verify "$D" >"$T/verify.locale" # not installed: the name says es
same "$T/verify.es" "$T/verify.locale"
LANG=C "$C" verify --result "$D" >"$T/result.en"
"$C" verify --lang es --result "$D" >"$T/result.es"
same "$T/result.en" "$T/result.es" # JSON is never translated

# 3. ---------------------------------------------------------------------------
# es_PE's separators (thousands ".", decimal ","), from the Debian locales package.
mkdir -p "$T/locales"
localedef -i es_PE -f UTF-8 "$T/locales/es_PE.UTF-8" >/dev/null 2>&1
# glibc keeps LOCPATH's parsed copy for the process (argz): not ours to free
echo "leak:__argz_add_sep" >"$T/lsan.supp"
export LSAN_OPTIONS=suppressions=$T/lsan.supp:print_suppressions=0
cat >"$T/want.es" <<'TXT'
Asamblea 2026 — 3. Obras prioritarias (marque hasta dos)
Regla de cómputo: aprobación, 2 escaños
  Agua                            19.500   72,22 %
  Luz                             15.000   55,56 %
  Desagüe                          7.500   27,78 %
  Pistas                           4.500   16,67 %
  Cédulas válidas                 27.000
  Cédulas en blanco                3.000
  Cédulas emitidas                30.000
  Electores hábiles                   20
  Marcas en cédulas válidas       46.500
Prueba de nulidad (Constitución, art. 184): 3.000 en blanco y nulos de 30.000 emitidos, no más de dos tercios
Elegidos: Agua, Luz
TXT
LOCPATH=$T/locales LC_ALL=es_PE.UTF-8 "$C" count --election "$D" --question 2 >"$T/got.es"
same "$T/want.es" "$T/got.es"
cat >"$T/want.en" <<'TXT'
Asamblea 2026 — 1. ¿Aprueba?
Counting rule: referendum, the winning option must reach 30% of registered voters
  Sí                            16500   64.71 %
  No                             9000   35.29 %
  Valid votes                   25500
  Blank votes                    4500
  Votes cast                    30000
  Registered voters                20
Annulment test (Constitution art. 184): 4500 blank and null of 30000 cast, not over two thirds
Outcome: «Sí» wins.
TXT
LANG=C "$C" count --election "$D" --question 0 >"$T/got.en"
same "$T/want.en" "$T/got.en"
LANG=C "$C" count --election "$D" --question 1 >"$T/got.lists"
equal "count: the long name's row" "$(grep -c "^  $LONG  *4500   15.79 %$" "$T/got.lists")" 1
equal "count: seats" "$(sed -n '/^Seats$/,$p' "$T/got.lists" | tr -s ' ' | tr '\n' '|')" \
    "Seats| APRA 6| PPC 3| $LONG 1| PSR 0|"
"$C" count --election "$D" --question 1 --format svg >"$T/chart.svg"
equal "svg: titled by the election" "$(grep -c 'dhondt — Asamblea 2026 — Listas' "$T/chart.svg")" 1
equal "svg: no path" "$(grep -c "$T" "$T/chart.svg")" 0
"$C" count --election "$D" --question 2 --format json >"$T/approval.json"
equal "json: ballots and marks" "$(jq -c '.votes' "$T/approval.json")" \
    '{"valid":27000,"blank":3000,"null":null,"cast":30000,"registered":20,"marks":46500}'
status 2 "count --election with a rule option" "$C" count --election "$D" --method plurality
says "--election takes the answers and the rule from the election"
status 2 "count --election, svg of every question" "$C" count --election "$D" --format svg
says "give --question"
status 2 "count --election, no such question" "$C" count --election "$D" --question 3
says "the election has questions 0 to 2"
status 1 "count --election before the result" "$C" count --election "$T/unfinished"
says "the board has no result yet"

# 4. ---------------------------------------------------------------------------
URL="https://consulta.example.pe/elections/$uuid/results"
out=$(LOCPATH=$T/locales LC_ALL=es_PE.UTF-8 "$C" acta --url-base https://consulta.example.pe/ -o "$T/acta.pdf" "$D")
equal "acta says so" "$out" "$T/acta.pdf: acta escrita ($URL)"
pdftotext -layout "$T/acta.pdf" "$T/acta.txt"
flat=$(tr -s ' \n' '  ' <"$T/acta.txt")
has() {
    case "$flat" in *"$1"*) pass ;; *) fail "acta lacks '$1'" ;; esac
}
# has_row NAME CELLS: a table row whose NAME wraps: CELLS follow one of its lines.
has_row() {
    local name=$1 cells=$2 rest=$1 head="" word
    while :; do
        case "$flat" in *"${head:+$head }$cells $rest"* | *"$name $cells"*) pass && return ;; esac
        [ -z "$rest" ] || [ "$rest" = "${rest#* }" ] && break
        word=${rest%% *}
        head=${head:+$head }$word
        rest=${rest#* }
    done
    fail "acta lacks the row '$name' with '$cells'"
}
has "ACTA DE ESCRUTINIO"
has "Asamblea 2026"
has "Electores hábiles: 20. Cédulas emitidas: 20; contadas (la última de cada elector): 20."
has "Sí 16.500 64,71 %"
has "No 9.000 35,29 %"
has "Votos en blanco 4.500"
has "Resultado: gana «Sí»."
has "APRA 15.000"
has_row "$LONG" "4.500 15,79 %"
has "APRA 6 PPC 3"
has_row "$LONG" "1"
has "Agua 19.500 72,22 %"
has "Elegidos: Agua, Luz"
has "clave $key sí"
has "$head"
has "altura $height"
has "$creds"
has "Firmas de los miembros de mesa y personeros"
pdftoppm -r 150 -png "$T/acta.pdf" "$T/page"
qr=$(zbarimg -q --raw "$T"/page-*.png 2>/dev/null)
equal "acta: the QR code holds the results page" "$qr" "$URL"
LANG=C "$C" acta --lang en --url-base http://127.0.0.1:8080 -o "$T/acta-en.pdf" "$D" >/dev/null
pdftotext "$T/acta-en.pdf" - | grep -q "RECORD OF THE COUNT" && pass || fail "acta --lang en is not in English"
status 2 "acta: a directory needs --url-base" "$C" acta -o "$T/x.pdf" "$D"
says "--url-base is required"
status 1 "acta before the result" "$C" acta --url-base http://x -o "$T/x.pdf" "$T/unfinished"
says "the board has no result yet"
status 1 "acta: cannot write" "$C" acta --url-base http://x -o "$T/no/such/dir/x.pdf" "$D"
says "$T/no/such/dir/x.pdf"

done_testing
