# Fuzzing with libFuzzer (clang). The core is compiled again here with coverage and ASan/UBSan:
# build/libnewsportal.a is gcc-built without them.
#   make fuzz             each target for FUZZ_SECONDS (default 60); fails on any crash or leak
#   make fuzz-regress     replays tests/fuzz/regress/ and the seed corpora once, no fuzzing
#   make fuzz-corpus      rebuilds the seed corpora in tests/fuzz/corpus/ from the project's files
# New crash inputs go to build/fuzz/artifacts/NAME/; once fixed, copy them to
# tests/fuzz/regress/NAME/ so fuzz-regress keeps them fixed.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_TARGETS := article template route date encoding preview search
FUZZ_BIN     := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=gnu99 -O1 -g $(FUZZ_SAN) $(WARN) -Isrc $(APR_CFLAGS) $(XML_CFLAGS)
FUZZ_OBJ     := $(CORE_SRC:src/%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/np_theme_data.o
FUZZ_LIB     := $(FUZZ_DIR)/libnewsportal-fuzz.a
# fuzz_template counts name lookups during a render (see the file).
FUZZ_LDFLAGS_template := -Wl,--wrap=np_map_getn -Wl,--wrap=apr_hash_get

.PHONY: fuzz fuzz-build fuzz-regress fuzz-corpus

fuzz-build: $(FUZZ_BIN)

$(FUZZ_DIR)/obj:
	mkdir -p $@

$(FUZZ_DIR)/obj/%.o: src/%.c src/*.h | $(FUZZ_DIR)/obj
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/obj/np_theme_data.o: $(BUILD)/gen/np_theme_data.c src/np_theme.h | $(FUZZ_DIR)/obj
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJ)
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(FUZZ_LDFLAGS_$*) \
	  $(LDLIBS_ALL)

fuzz: $(FUZZ_BIN)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh fuzz $(FUZZ_TARGETS)

fuzz-regress: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh regress $(FUZZ_TARGETS)

fuzz-corpus:
	bash tests/fuzz/make-corpus.sh
