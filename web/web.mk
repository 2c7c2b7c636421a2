# make web: consulta's own C core compiled to WebAssembly for the voting booth
# (included by the Makefile). Writes build/web/core/:
#   consulta-core.{js,wasm}     ristretto255 and Ed25519 only, without GMP
#   consulta-core-ff.{js,wasm}  every group, BELENIOS-2048 included (GMP, whose
#                               limbs are 32 bits on wasm32: src/group/ff_limbs.h)
#   worker.js                   the Web Worker the booth talks to (web/core/worker.js)
# make web-core builds the curve core alone, make web-ff the finite-field one.
# libsodium, GMP, nettle and jansson come from Debian's source packages, built
# for wasm by scripts/wasm-deps into /var/cache/consulta/wasm (never the tree).
# Debian's emscripten; WEB_OPT=-Oz builds for size instead of speed.
EMCC     ?= emcc
EMAR     ?= emar
WEB_OPT  ?= -O3
WEB      := build/web
WEB_OBJ  := build/web-obj
# Debian's emscripten runs its JS tools with node; node-acorn lives here.
export NODE_PATH := $(if $(NODE_PATH),$(NODE_PATH):)/usr/share/nodejs

# The library sources a ballot needs (an election's counting rules are
# checked by src/count/rule.c); the archive and the linker keep only what is
# used. The curve core links no GMP code (the link has no libgmp.a, so a GMP
# call would fail it), but src/count/internal.h declares GMP types: its
# objects compile against a copy of the host's gmp.h, declarations only.
WEB_SRC_ALL    := $(sort $(wildcard src/ballot/*.c src/core/*.c src/crypto/*.c src/election/*.c \
                    src/group/*.c src/count/*.c)) src/record/json.c src/record/base58.c
WEB_SRC_FF     := src/group/ff2048.c src/group/rfc3526.c
WEB_SRC_COMMON := $(filter-out src/group/group.c $(WEB_SRC_FF),$(WEB_SRC_ALL))
WEB_OBJ_COMMON := $(WEB_SRC_COMMON:%.c=$(WEB_OBJ)/common/%.o) $(WEB_OBJ)/common/web/core/api.o
WEB_OBJ_CURVE  := $(WEB_OBJ_COMMON) $(WEB_OBJ)/curve/src/group/group.o
WEB_OBJ_FF     := $(WEB_OBJ_COMMON) $(WEB_OBJ)/ff/src/group/group.o \
                  $(WEB_SRC_FF:%.c=$(WEB_OBJ)/ff/%.o)

WEB_EXPORTS := _malloc,_free,_cw_version,_cw_error,_cw_message,_cw_result,_cw_clear,_cw_wipe
WEB_EXPORTS := $(WEB_EXPORTS),_cw_init,_cw_group,_cw_credential,_cw_encrypt,_cw_audit_check
WEB_LDFLAGS  = $(WEB_OPT) --no-entry -sMODULARIZE=1 -sENVIRONMENT=web,worker \
               -sALLOW_MEMORY_GROWTH=1 -sMALLOC=emmalloc \
               -sEXPORTED_FUNCTIONS=$(WEB_EXPORTS) \
               -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8

.PHONY: web web-core web-ff
web: web-core web-ff

# Build the libraries first (quiet when cached), then the core with their paths.
web-core:
	@scripts/wasm-deps libsodium nettle jansson
	@$(MAKE) --no-print-directory WEB_DEPS=1 $(WEB)/core/consulta-core.js $(WEB)/core/worker.js
web-ff: web-core
	@scripts/wasm-deps gmp
	@$(MAKE) --no-print-directory WEB_DEPS=1 $(WEB)/core/consulta-core-ff.js

ifdef WEB_DEPS
# "libsodium DIR gmp DIR nettle DIR jansson DIR", in this order
WASM_PREFIXES := $(shell scripts/wasm-deps --prefixes)
WASM_SODIUM   := $(word 2,$(WASM_PREFIXES))
WASM_GMP      := $(word 4,$(WASM_PREFIXES))
WASM_NETTLE   := $(word 6,$(WASM_PREFIXES))
WASM_JANSSON  := $(word 8,$(WASM_PREFIXES))
HOST_GMP_H    := $(firstword $(wildcard /usr/include/*/gmp.h /usr/include/gmp.h))
WEB_CPPFLAGS  := -Iinclude -Isrc -I. -D_GNU_SOURCE -MMD -MP -DCNS_NO_THREADS -I$(WASM_SODIUM)/include \
                 -I$(WASM_NETTLE)/include -I$(WASM_JANSSON)/include
WEB_CFLAGS    := -std=c17 $(WARN) $(WERROR) $(WEB_OPT)
WEB_LIBS      := $(WASM_SODIUM)/lib/libsodium.a $(WASM_NETTLE)/lib/libnettle.a \
                 $(WASM_JANSSON)/lib/libjansson.a

$(WEB_OBJ)/gmp-h/gmp.h: $(HOST_GMP_H)
	@mkdir -p $(@D)
	cp $< $@
$(WEB_OBJ)/common/%.o: %.c $(WEB_OBJ)/gmp-h/gmp.h
	@mkdir -p $(@D)
	$(EMCC) $(WEB_CPPFLAGS) -I$(WEB_OBJ)/gmp-h $(WEB_CFLAGS) -c -o $@ $<
$(WEB_OBJ)/curve/%.o: %.c
	@mkdir -p $(@D)
	$(EMCC) $(WEB_CPPFLAGS) -DCNS_NO_FF2048 $(WEB_CFLAGS) -c -o $@ $<
$(WEB_OBJ)/ff/%.o: %.c
	@mkdir -p $(@D)
	$(EMCC) $(WEB_CPPFLAGS) -I$(WASM_GMP)/include $(WEB_CFLAGS) -c -o $@ $<

# (the Makefile's .SECONDARY would not rebuild a missing object of an
# up-to-date archive: a change here remakes the archives)
$(WEB_OBJ)/libcore-curve.a: $(WEB_OBJ_CURVE) web/web.mk
	@rm -f $@
	$(EMAR) rcs $@ $(filter %.o,$^)
$(WEB_OBJ)/libcore-ff.a: $(WEB_OBJ_FF) web/web.mk
	@rm -f $@
	$(EMAR) rcs $@ $(filter %.o,$^)

# api.o is linked whole (it holds the exports); the rest from the archive.
$(WEB)/core/consulta-core.js: $(WEB_OBJ)/libcore-curve.a
	@mkdir -p $(@D)
	$(EMCC) $(WEB_LDFLAGS) -sEXPORT_NAME=ConsultaCore -o $@ $(WEB_OBJ)/common/web/core/api.o \
	  $< $(WEB_LIBS)
$(WEB)/core/consulta-core-ff.js: $(WEB_OBJ)/libcore-ff.a
	@mkdir -p $(@D)
	$(EMCC) $(WEB_LDFLAGS) -sEXPORT_NAME=ConsultaCoreFF -o $@ $(WEB_OBJ)/common/web/core/api.o \
	  $< $(WEB_LIBS) $(WASM_GMP)/lib/libgmp.a
$(WEB)/core/worker.js: web/core/worker.js
	@mkdir -p $(@D)
	cp $< $@

-include $(WEB_OBJ_CURVE:.o=.d) $(WEB_OBJ_FF:.o=.d)
endif
