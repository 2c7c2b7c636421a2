#!/usr/bin/env bash
# install.sh SRC OUT: the booth's files from SRC (web/) into OUT (build/web):
# scripts, styles and catalogues copied; each page's "@SRI:NAME@" replaced by
# the sha384 integrity of OUT/NAME.
set -euo pipefail
src=$1 out=$2
mkdir -p "$out/booth" "$out/i18n"
cp "$src"/booth/*.js "$src"/booth/*.css "$out/booth/"
cp "$src"/i18n/*.json "$out/i18n/"
sri() { printf 'sha384-%s' "$(sha384sum "$out/$1" | cut -d' ' -f1 | tr a-f A-F | basenc --base16 -d | base64 -w0)"; }
for page in "$src"/booth/*.html; do
    text=$(cat "$page")
    for name in $(grep -o '@SRI:[^@]*@' "$page" | sort -u | sed 's/^@SRI:\(.*\)@$/\1/'); do
        [ -f "$out/$name" ] || { echo "install.sh: $page names $name, which is not built" >&2; exit 1; }
        text=${text//@SRI:$name@/$(sri "$name")}
    done
    printf '%s\n' "$text" >"$out/booth/$(basename "$page")"
done
