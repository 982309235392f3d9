# Sanitizer and valgrind runs.
#   make test-asan         test-asan-unit, then test-asan-httpd
#   make test-asan-unit    the unit tests and the Mustache spec runner built with ASan and UBSan in
#                          build-asan/; any report fails
#   make test-asan-httpd   the Apache::Test suite against build-asan/mod_newsportal.so in the
#                          system's httpd, with the ASan runtime preloaded (see t/run.sh); every
#                          report of the module or the CLI lands in build-asan/sanitizer-reports/
#                          and any report fails
#   make test-valgrind     the unit tests of the normal build under valgrind; any error or
#                          definite leak fails

ASAN_BUILD   := build-asan
ASAN_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_MAKE     = $(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) SAN='$(ASAN_SAN)' OPT='-O1 -g'
ASAN_BINS    := $(TEST_SRC:tests/%.c=$(ASAN_BUILD)/tests/%) $(ASAN_BUILD)/tests/mustache_spec
VALGRIND     := valgrind -q --leak-check=full --show-leak-kinds=definite \
                --errors-for-leak-kinds=definite --error-exitcode=1

ASAN_REPORTS := $(ASAN_BUILD)/sanitizer-reports

.PHONY: test-asan test-asan-unit test-asan-httpd test-valgrind

test-asan: test-asan-unit test-asan-httpd

test-asan-unit:
	@$(ASAN_MAKE) $(ASAN_BINS)
	@for t in $(ASAN_BINS); do \
	  nm $$t | grep -q ' __asan_init' && nm $$t | grep -q ' __ubsan_handle' || \
	  { echo "test-asan: $$t is not built with ASan and UBSan"; exit 1; }; \
	done
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(ASAN_MAKE) unit

test-asan-httpd:
	@$(ASAN_MAKE) $(ASAN_BUILD)/mod_newsportal.so $(ASAN_BUILD)/newsportal
	@nm -D $(ASAN_BUILD)/mod_newsportal.so | grep -q ' __asan_report' || \
	  { echo "test-asan-httpd: $(ASAN_BUILD)/mod_newsportal.so is not built with ASan"; exit 1; }
	@rm -rf $(ASAN_REPORTS) && mkdir -p $(ASAN_REPORTS)
	@echo "== Apache::Test with $(ASAN_BUILD)/mod_newsportal.so (ASan, UBSan)"
	@rc=0; BUILD=$(CURDIR)/$(ASAN_BUILD) NP_SANITIZER_LOGS=$(CURDIR)/$(ASAN_REPORTS) \
	  ASAN_OPTIONS=log_path=$(CURDIR)/$(ASAN_REPORTS)/asan:log_exe_name=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/$(ASAN_REPORTS)/ubsan:log_exe_name=1 \
	  sh t/run.sh || rc=$$?; \
	n=$$(ls $(ASAN_REPORTS) | wc -l); \
	if [ "$$n" -gt 0 ]; then \
	  for f in $(ASAN_REPORTS)/*; do echo "--- $$f"; head -n 40 "$$f"; done; \
	  echo "test-asan-httpd: $$n sanitizer report(s) in $(ASAN_REPORTS)"; exit 1; \
	fi; \
	echo "test-asan-httpd: 0 sanitizer reports"; exit $$rc

test-valgrind: $(TEST_BIN) $(SPEC_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== valgrind $$t"; $(VALGRIND) $$t || fail=1; \
	done; \
	echo "== valgrind $(SPEC_BIN)"; $(VALGRIND) $(SPEC_BIN) ../shared/mustache-spec || fail=1; \
	exit $$fail
