# zvonar — one GNU Makefile: make, make test, make check, make fuzz, make bench.
#
# Sources are found by wildcard: a new file in src/<dir>/ needs no edit here.
# Unit tests: tests/unit/<dir>/test_<name>.c, each linked with libzvonar.a.

PKGS     := openssl sqlite3 libsodium opus spandsp speexdsp jansson libmicrohttpd libcurl sndfile espeak-ng pocketsphinx zlib
CC       ?= cc
BUILD    ?= build
OPT      ?= -O2 -g
CFLAGS_W := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla
CPPFLAGS += -Isrc -D_GNU_SOURCE
CFLAGS   += -std=c11 $(OPT) $(CFLAGS_W) -pthread $(shell pkg-config --cflags $(PKGS))
# Flite ships no pkg-config file: its voices, lexicon and core by name.
FLITE    := -lflite_cmu_us_kal -lflite_cmu_us_kal16 -lflite_cmu_us_slt -lflite_cmu_us_rms \
            -lflite_cmu_us_awb -lflite_usenglish -lflite_cmulex -lflite
LDLIBS   += $(shell pkg-config --libs $(PKGS)) $(FLITE) -lgsm -lstemmer -pthread -lm

SRC      := $(shell find src -name '*.c' ! -name main.c ! -path 'src/fuzz/*' | sort)
OBJ      := $(SRC:%.c=$(BUILD)/%.o)
# Numbered SQL migrations are compiled in as C (see src/store/migrations.h).
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
OBJ      += $(BUILD)/gen/migrations.o
LIB      := $(BUILD)/libzvonar.a
UNIT_SRC := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

all: $(BUILD)/zvonar $(BUILD)/zvonarctl

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	scripts/embed-sql.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/migrations.o: $(BUILD)/gen/migrations.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/zvonar: $(BUILD)/src/main.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/zvonarctl: $(BUILD)/tools/zvonarctl.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -o $@ $< $(LIB) $(LDLIBS) $(shell pkg-config --libs cmocka)

# Benchmark drivers (bench/*.c), built by the bench scripts that run them.
$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Fuzz targets replay their corpus as ordinary tests (no libFuzzer needed).
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< tests/fuzz/replay_main.c $(LIB) $(LDLIBS)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

fuzz-replay: $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)
	@set -e; for t in $^; do n=$$(basename $$t); echo "== replay $$n"; $$t tests/fuzz/corpus/$${n#fuzz_}; done

test: all unit fuzz-replay
	tests/run-integration.sh $(BUILD)

# Sanitizers: the whole suite again under ASan+UBSan in its own build dir.
check:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test

# libFuzzer: FUZZ_SECONDS per target (default 60), clang builds.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" $(BUILD:build=build-fuzz)/libzvonar.a
	@set -e; mkdir -p build-fuzz/bin; for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  clang $(CPPFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -o build-fuzz/bin/$$n $$f \
	    build-fuzz/libzvonar.a $(LDLIBS); \
	  mkdir -p build-fuzz/corpus/$$n; \
	  build-fuzz/bin/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=8192 build-fuzz/corpus/$$n tests/fuzz/corpus/$${n#fuzz_}; done

bench: all
	bench/run.sh $(BUILD)

format:
	clang-format -i $(shell find src tools tests -name '*.[ch]')

install: all
	install -D -m 755 $(BUILD)/zvonar $(DESTDIR)/usr/sbin/zvonar
	install -D -m 755 $(BUILD)/zvonarctl $(DESTDIR)/usr/sbin/zvonarctl
	install -D -m 644 etc/zvonar.conf $(DESTDIR)/etc/zvonar/zvonar.conf
	install -D -m 644 sounds/moh/default.wav $(DESTDIR)/usr/share/zvonar/moh/default.wav
	for f in sounds/prompts/*.wav; do install -D -m 644 $$f $(DESTDIR)/usr/share/zvonar/prompts/$$(basename $$f); done

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all unit fuzz-replay test check fuzz bench format install clean
-include $(OBJ:.o=.d) $(BUILD)/src/main.d $(BUILD)/tools/zvonarctl.d
