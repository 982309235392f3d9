# mod_newsportal — build, run, test, bench.
# `make test` and `make run` first check the Debian packages below (see `deps`).

APXS    ?= /usr/bin/apxs
CC      ?= cc
BUILD   := build
PORT    ?= 8080

# Every Debian package the project uses, for building, testing and benchmarking.
DEB_PACKAGES := apache2 apache2-dev libapr1-dev libaprutil1-dev libxml2-dev libxml2-utils \
                libapache2-mod-perl2 libjansson-dev libcmocka-dev libqrencode-dev pkg-config \
                wrk memcached redis-server valgrind clang libclang-rt-14-dev time sqlite3 bindfs \
                libxml-libxml-perl librsvg2-bin zbar-tools chromium default-jre-headless \
                zlib1g-dev libbrotli-dev brotli libkainjow-mustache-dev libmstch-dev g++ \
                libsqlite3-dev libssl-dev

APR_CFLAGS  := $(shell apr-1-config --cflags --cppflags --includes 2>/dev/null) \
               $(shell apu-1-config --includes 2>/dev/null)
APR_LIBS    := $(shell apu-1-config --link-ld 2>/dev/null) $(shell apr-1-config --link-ld 2>/dev/null)
XML_CFLAGS  := $(shell xml2-config --cflags 2>/dev/null)
XML_LIBS    := $(shell xml2-config --libs 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
# APR's ring macros (brigades) subtract from a null pointer by design; clang says so.
GLUE_WARN := $(if $(findstring clang,$(CC)),-Wno-null-pointer-subtraction)
OPT     ?= -O2 -g
SAN     ?=
CFLAGS_ALL = -std=gnu99 $(OPT) $(SAN) -fPIC $(WARN) -Isrc $(APR_CFLAGS) $(XML_CFLAGS)
# Page compression (docs/caching.md): zlib for gzip, libbrotli for br.
COMPRESS_LIBS := -lz -lbrotlienc -lbrotlidec
LDLIBS_ALL = $(XML_LIBS) -lqrencode $(COMPRESS_LIBS) $(APR_LIBS) -ljansson -lsqlite3 -lcrypto -lpthread -lm

CORE_SRC := $(filter-out src/newsportal.c,$(wildcard src/*.c))
CORE_OBJ := $(CORE_SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/np_theme_data.o
THEME    := $(wildcard conf/theme/*.mustache)
CORE_LIB := $(BUILD)/libnewsportal.a
TOOL     := $(BUILD)/newsportal
MODULE   := $(BUILD)/mod_newsportal.so
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
SPEC_BIN := $(BUILD)/tests/mustache_spec
BENCH_TPL:= $(BUILD)/tests/bench_template
# Our template engine against kainjow/mustache and mstch (C++; built for `make bench` only).
BENCH_PEERS := $(BUILD)/tests/bench_peers
CXX     ?= g++

.PHONY: all deps test unit spec apache-test run install clean bench bench-template format \
        check-format test-clang

all: $(CORE_LIB) $(TOOL) $(MODULE) $(TEST_BIN) $(SPEC_BIN) $(BENCH_TPL)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "deps: missing Debian packages. Run:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(BUILD)/obj/%.o: src/%.c src/*.h | $(BUILD)/obj
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/gen/np_theme_data.c: $(THEME) conf/embed-theme.pl | $(BUILD)/gen
	@echo "  THEME   $@"
	@perl conf/embed-theme.pl $(THEME) > $@

$(BUILD)/obj/np_theme_data.o: $(BUILD)/gen/np_theme_data.c src/np_theme.h | $(BUILD)/obj
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(CORE_LIB): $(CORE_OBJ)
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

$(TOOL): src/newsportal.c $(CORE_LIB)
	@echo "  CCLD    $@"
	@$(CC) $(CFLAGS_ALL) -o $@ $< $(CORE_LIB) $(LDLIBS_ALL)

# The module: apxs compiles the glue, the core comes in as a static library.
$(MODULE): mod_newsportal.c $(CORE_LIB) src/*.h | $(BUILD)
	@echo "  APXS    $@"
	@ln -sf ../mod_newsportal.c $(BUILD)/mod_newsportal.c
	@cd $(BUILD) && $(APXS) -S CC=$(CC) -c -o mod_newsportal.la \
	  $(addprefix -Wc$(comma),$(WARN) $(GLUE_WARN) $(SAN) -I../src $(XML_CFLAGS)) $(addprefix -Wl$(comma),$(SAN)) \
	  mod_newsportal.c libnewsportal.a $(XML_LIBS) -lqrencode $(COMPRESS_LIBS) -lsqlite3 -lcrypto -lm >apxs.log 2>&1 || { cat apxs.log; exit 1; }
	@# a rename, not a copy over it: running servers keep the module they loaded
	@cp $(BUILD)/.libs/mod_newsportal.so $@.tmp && mv -f $@.tmp $@

comma := ,

$(BUILD)/tests/%: tests/%.c $(CORE_LIB) tests/*.h | $(BUILD)/tests
	@echo "  CCLD    $@"
	@$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(CORE_LIB) $(LDLIBS_ALL) -lcmocka -lpthread

$(BUILD) $(BUILD)/obj $(BUILD)/tests $(BUILD)/gen:
	mkdir -p $@

# Unit tests (cmocka) and the Mustache spec runner.
unit: $(TEST_BIN) $(SPEC_BIN)
	@fail=0; for t in $(TEST_BIN); do echo "== $$t"; $$t || fail=1; done; \
	echo "== $(SPEC_BIN)"; $(SPEC_BIN) ../shared/mustache-spec || fail=1; exit $$fail

spec: $(SPEC_BIN)
	$(SPEC_BIN) ../shared/mustache-spec

# Apache::Test suite in a real httpd.
apache-test: $(MODULE)
	@sh t/run.sh

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) test-asan-unit
	$(MAKE) fuzz-regress
	$(MAKE) lint-check
	$(MAKE) browser-deps
	$(MAKE) apache-test
	$(MAKE) test-asan-httpd

test-clang: deps
	$(MAKE) BUILD=build-clang CC=clang all

run: deps
	$(MAKE) all
	@sh conf/run.sh $(PORT)

install: $(MODULE)
	$(APXS) -i -n newsportal $(MODULE)
	install -d $(DESTDIR)/usr/share/newsportal
	cp -r conf/theme $(DESTDIR)/usr/share/newsportal/ 2>/dev/null || true
	install -m 644 conf/newsportal.load $(DESTDIR)/etc/apache2/mods-available/newsportal.load
	install -m 644 conf/newsportal.conf $(DESTDIR)/etc/apache2/mods-available/newsportal.conf

# Further targets, one file per area (fuzzing, sanitizers, benchmarks, ...).
-include mk/*.mk

bench-template: $(BENCH_TPL) $(BENCH_PEERS)
	$(BENCH_TPL)
	$(BENCH_PEERS) tests/bench/flat

FORCE:
# MSTCH_SRC: the src/ folder of mstch's 1.0.2 tag, for its internal headers (not installed by
# Debian): mstch is then timed with its templates parsed once, too.
MSTCH_SRC ?=
$(BUILD)/tests/mstch-src.stamp: FORCE | $(BUILD)/tests
	@echo '$(MSTCH_SRC)' | cmp -s - $@ || echo '$(MSTCH_SRC)' >$@
$(BENCH_PEERS): tests/bench/peers.cc $(CORE_LIB) $(BUILD)/tests/mstch-src.stamp | $(BUILD)/tests
	@echo "  CXXLD   $@"
	@$(CXX) -std=c++17 $(OPT) -Wall -Wextra -Werror -Isrc $(APR_CFLAGS) $(XML_CFLAGS) \
	  $(if $(MSTCH_SRC),-DNP_MSTCH_INTERNAL -I$(MSTCH_SRC)) -o $@ $< \
	  $(CORE_LIB) $(LDLIBS_ALL) -lmstch -lpthread

format:
	clang-format -i mod_newsportal.c src/*.c src/*.h tests/*.c tests/*.h

check-format:
	clang-format --dry-run --Werror mod_newsportal.c src/*.c src/*.h tests/*.c tests/*.h

clean:
	rm -rf $(BUILD) build-clang build-asan t/logs t/conf/httpd.conf t/conf/apache_test_config.pm \
	  t/conf/extra.conf t/conf/modperl_inc.pl t/conf/modperl_startup.pl t/htdocs/index.html t/TEST
