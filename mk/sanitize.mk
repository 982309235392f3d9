# Sanitizer and valgrind runs of the unit tests and the Mustache spec runner.
#   make test-asan       builds them with ASan and UBSan in build-asan/ and runs them; any report fails
#   make test-valgrind   runs those of the normal build under valgrind; any error or definite leak fails

ASAN_BUILD   := build-asan
ASAN_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_MAKE     = $(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) SAN='$(ASAN_SAN)' OPT='-O1 -g'
ASAN_BINS    := $(TEST_SRC:tests/%.c=$(ASAN_BUILD)/tests/%) $(ASAN_BUILD)/tests/mustache_spec
VALGRIND     := valgrind -q --leak-check=full --show-leak-kinds=definite \
                --errors-for-leak-kinds=definite --error-exitcode=1

.PHONY: test-asan test-valgrind

test-asan:
	@$(ASAN_MAKE) $(ASAN_BINS)
	@for t in $(ASAN_BINS); do \
	  nm $$t | grep -q ' __asan_init' && nm $$t | grep -q ' __ubsan_handle' || \
	  { echo "test-asan: $$t is not built with ASan and UBSan"; exit 1; }; \
	done
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(ASAN_MAKE) unit

test-valgrind: $(TEST_BIN) $(SPEC_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== valgrind $$t"; $(VALGRIND) $$t || fail=1; \
	done; \
	echo "== valgrind $(SPEC_BIN)"; $(VALGRIND) $(SPEC_BIN) ../shared/mustache-spec || fail=1; \
	exit $$fail
