# The booth's pages (issue 8), included by the Makefile.
#   make web        everything served, in build/web (the wasm core's rules add build/web/core)
#   make bench-web  time to encrypt a ballot in Chromium, and the booth's transfer size
#   make demo-web   the demo election served with its booth, left running (Ctrl-C stops it)
WEB_OUT      := build/web
BOOTH_FILES  := $(sort $(wildcard web/booth/*.html web/booth/*.js web/booth/*.css web/i18n/*.json))

.PHONY: web web-booth web-compress bench-web demo-web web-test-deps

web: web-booth web-compress

# Copied as they are, the HTML with the scripts' integrity hashes written in
# (ATTACKS.md #13).
web-booth: $(WEB_OUT)/booth/.stamp
$(WEB_OUT)/booth/.stamp: $(BOOTH_FILES) web/booth/install.sh
	@web/booth/install.sh web $(WEB_OUT)
	@touch $@

# Then every served file, the wasm core's too, precompressed (NAME.gz) for
# clients that take gzip (consulta serve sends it: server/web.c).
web-compress: web-booth $(if $(wildcard web/web.mk),web-core)
	@find $(WEB_OUT) -type f ! -name '*.gz' ! -name '*.br' ! -name '.*' -exec sh -c \
	  'for f; do [ "$$f.gz" -nt "$$f" ] || gzip -9 -n -k -f "$$f"; done' sh {} +

web-test-deps:
	@cd tests/web && { [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] || npm ci --no-audit --no-fund --silent; }

bench-web: deps
	@$(MAKE) --no-print-directory all web web-test-deps
	@CNS_BIN=$(abspath build/consulta) CNS_WEB=$(abspath $(WEB_OUT)) CNS_TESTDATA=$(TESTDATA) \
	  node tests/web/bench.js

demo-web: deps
	@$(MAKE) --no-print-directory all web build/bench/load
	@WEB_DEMO=1 VOTERS=$${VOTERS:-50} scripts/demo build/consulta build/bench/load
