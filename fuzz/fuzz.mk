# make -f fuzz/fuzz.mk (what `make fuzz` runs): build every fuzz/fuzz_*.c as a
# libFuzzer binary with clang-14, against the library compiled with
# -fsanitize=fuzzer-no-link,address,undefined into build-fuzz/, then fuzz each
# for FUZZ_SECONDS on its corpus. New inputs go to build-fuzz/corpus/fuzz_X/
# (fuzz/corpus/fuzz_X/ is only read); crashes are written to build-fuzz/.
#   make fuzz FUZZ_SECONDS=300
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 30
FB           := build-fuzz
PKGS         := libsodium jansson nettle gmp libmicrohttpd sqlite3 libpq
SAN          := address,undefined
FUZZ_CPPFLAGS := -Iinclude -Isrc -MMD -MP -D_GNU_SOURCE $(shell pkg-config --cflags libpq 2>/dev/null)
FUZZ_CFLAGS  := -std=c17 -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all -pthread \
                -Wall -Wextra -Wpedantic
FUZZ_LIBS    := -l:libsodium.a $(filter-out -lsodium,$(shell pkg-config --libs $(PKGS) 2>/dev/null)) \
                -lgmp -lm -pthread

FUZZ_LIB_SRC := $(sort $(wildcard src/*/*.c server/*.c))
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FB)/%.o)
FUZZ_TARGETS := $(patsubst fuzz/%.c,$(FB)/%,$(sort $(wildcard fuzz/fuzz_*.c)))

.PHONY: fuzz-run fuzz-build
fuzz-run: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  name=$$(basename $$t); \
	  mkdir -p $(FB)/corpus/$$name fuzz/corpus/$$name; \
	  echo "== $$name ($(FUZZ_SECONDS) s)"; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(FB)/$$name- $(FB)/corpus/$$name fuzz/corpus/$$name || exit 1; \
	done

fuzz-build: $(FUZZ_TARGETS)

$(FB)/libconsulta.a: $(FUZZ_LIB_OBJ)
	$(AR) rcs $@ $^

$(FB)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(SAN) -c -o $@ $<

$(FB)/fuzz_%: fuzz/fuzz_%.c $(FB)/libconsulta.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(SAN) -o $@ $< \
	  $(FB)/libconsulta.a $(FUZZ_LIBS)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_TARGETS:=.d)
