# consulta — one non-recursive Makefile.
#   make            build build/consulta
#   make demo       install what is missing, build, run a whole consultation
#   make check      install what is missing, build, run every test (ASan+UBSan)
#   make web        the voting booth's files in build/web/ (the C core in WebAssembly)
#   make fuzz       build the libFuzzer targets (clang-14) and fuzz each briefly
#   make format     clang-format the tree
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wvla -Wimplicit-fallthrough
WERROR   ?= -Werror
PKGS     := libsodium jansson nettle gmp libmicrohttpd sqlite3 libpq libcurl
CLI_PKGS := cairo pangocairo fontconfig libqrencode  # the acta (cli/cmd_acta.c)
VERSION  := 0.12.0
PREFIX   ?= /usr/local
CPPFLAGS += -Iinclude -MMD -MP -D_GNU_SOURCE
ifdef SAN
CFLAGS   := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif
ifdef CT  # the constant-time check: secrets marked for valgrind (src/core/ct.h)
CFLAGS   := -O1 -g -DCNS_CTGRIND
endif
ALLFLAGS  = -std=c17 $(WARN) $(WERROR) $(CFLAGS) -pthread
# libsodium is linked statically: src/group/ge25519.h uses its in-memory point
# functions, which libsodium.so does not export.
LIBS     := -l:libsodium.a $(filter-out -lsodium,$(shell pkg-config --libs $(PKGS) 2>/dev/null)) \
            -lgmp -lm -pthread
B        := build$(if $(SAN),-san)$(if $(CT),-ct)
TESTDATA ?= $(abspath ../shared/testdata)

LIB_SRC  := $(sort $(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ  := $(patsubst %.c,$(B)/%.o,$(sort $(wildcard cli/*.c)))
SRV_OBJ  := $(patsubst %.c,$(B)/%.o,$(sort $(wildcard server/*.c)))
TESTS    := $(patsubst tests/%.c,$(B)/tests/%,$(sort $(wildcard tests/test_*.c)))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
REPLAYS  := $(patsubst fuzz/%.c,$(B)/fuzz/replay_%,$(FUZZ_SRC))

all: $(B)/consulta
.PHONY: all deps bench demo check check-long test fuzz format lint clean pot
.SECONDARY:  # keep intermediate objects (and keep make quiet after the tests' last line)

$(LIB_OBJ) $(TESTS:=.o) $(B)/tests/ct_secrets.o $(REPLAYS:$(B)/fuzz/replay_%=$(B)/fuzz/%.o): CPPFLAGS += -Isrc
$(SRV_OBJ): CPPFLAGS += $(shell pkg-config --cflags libpq 2>/dev/null)
$(CLI_OBJ): CPPFLAGS += $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(CLI_PKGS) 2>/dev/null))
$(B)/cli/main.o: CPPFLAGS += -DCNS_VERSION='"$(VERSION)"'
$(B)/cli/i18n.o: CPPFLAGS += -DCNS_LOCALEDIR='"$(PREFIX)/share/locale"'
# Message catalogs (po/LANG.po → build/locale/LANG/LC_MESSAGES/consulta.mo, next to the binary).
MO       := $(patsubst po/%.po,$(B)/locale/%/LC_MESSAGES/consulta.mo,$(wildcard po/*.po))
$(B)/locale/%/LC_MESSAGES/consulta.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<
$(B)/libconsulta.a: $(LIB_OBJ) ; $(AR) rcs $@ $^
$(B)/libserver.a: $(SRV_OBJ) ; $(AR) rcs $@ $^
$(B)/consulta: $(CLI_OBJ) $(B)/libserver.a $(B)/libconsulta.a | $(MO)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(shell pkg-config --libs $(CLI_PKGS))
$(B)/tests/%: $(B)/tests/%.o $(B)/libserver.a $(B)/libconsulta.a ; $(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(B)/bench/load: $(B)/bench/load.o $(B)/libserver.a $(B)/libconsulta.a ; $(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(B)/fuzz/replay_%: $(B)/fuzz/%.o $(B)/fuzz/replay.o $(B)/libserver.a $(B)/libconsulta.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALLFLAGS) -c -o $@ $<

deps:
	@scripts/install-deps

# make bench: consulta and belenios-tool side by side (bench/run.sh).
$(B)/bench/group_ops: $(B)/bench/group_ops.o $(B)/libconsulta.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(B)/bench/shuffle: $(B)/bench/shuffle.o $(B)/libconsulta.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(B)/bench/shuffle.o: CPPFLAGS += -Isrc
bench: deps
	@$(MAKE) --no-print-directory all $(B)/bench/group_ops
	@bench/run.sh

# Unit tests, fuzz-corpus replays and the cross-checks with belenios-tool;
# every runner prints "N passed, N failed" and tests/run adds them up.
test: $(TESTS) $(REPLAYS) $(B)/consulta $(B)/bench/load web web-test-deps
	@$(MAKE) --no-print-directory CT=1 SAN= build-ct/tests/ct_secrets
	@CNS_TESTDATA=$(TESTDATA) CNS_BIN=$(abspath $(B)/consulta) CNS_BENCH=$(abspath $(B)/bench) \
	  CNS_WEB=$(abspath build/web) \
	  CNS_CT=$(abspath build-ct/tests/ct_secrets) tests/run $(TESTS) $(REPLAYS) \
	  $(sort $(filter-out tests/lib.sh,$(wildcard tests/*.sh)))

check: deps
	@$(MAKE) --no-print-directory web
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory SAN=1 test

check-long: deps
	@$(MAKE) --no-print-directory SAN=1 test CNS_LONG=1

demo: deps
	@$(MAKE) --no-print-directory web
	@$(MAKE) --no-print-directory all build/bench/load
	@scripts/demo build/consulta build/bench/load

fuzz:
	@$(MAKE) --no-print-directory -f fuzz/fuzz.mk

format:
	clang-format -i $(wildcard include/*/*.h src/*/*.[ch] cli/*.[ch] tests/*.[ch] fuzz/*.c server/*.[ch] bench/*.c web/core/*.c)

# po/consulta.pot from the sources; then msgmerge --update po/es.po po/consulta.pot
pot:
	xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --add-comments=TRANSLATORS \
	  --package-name=consulta --package-version=$(VERSION) -o po/consulta.pot cli/*.c

lint:
	@clang-format --dry-run --Werror $(wildcard include/*/*.h src/*/*.[ch] cli/*.[ch] tests/*.[ch] fuzz/*.c server/*.[ch] bench/*.c web/core/*.c)

clean:
	rm -rf build build-san build-ct build-fuzz

# make web: the booth's WebAssembly core (web/web.mk), then its pages (web/booth/booth.mk)
include web/web.mk
include web/booth/booth.mk

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SRV_OBJ:.o=.d) $(TESTS:=.d) $(REPLAYS:$(B)/fuzz/replay_%=$(B)/fuzz/%.d)
