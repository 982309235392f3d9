# `make bench`: throughput of the module against static files and mod_include in one private
# Apache (see bench/run.sh), with and without compression, plus the template micro-benchmark and
# our engine against kainjow/mustache and mstch (tests/bench/peers.cc), the core request path and the
# 100,000-article scale figures. Results: build/bench/results.json.
# BENCH_SECONDS (default 10), BENCH_ROUNDS (3), BENCH_PORT (first free from 8090), BENCH_PIN (0),
# BENCH_ARTICLES (100000), BENCH_ONLY (a regular expression on the kinds of bench/run.sh to measure).
# `make bench-scale`: the content index at 100,000 and 1,000,000 generated articles
# (bench/scale.sh, with full-text search figures from tests/bench_search.c; about 10 GB of free
# space in SCALE_TMP for the larger tree, deleted after),
# then the module in a private httpd with three children on the same sizes (bench/scale-httpd.sh:
# first responses after start and graceful, memory per child, edits reaching every child,
# uncached pages against 100 articles; build/bench/scale-httpd-N.json).

BENCH_ARTICLES ?= 100000

SCALE_ARTICLES ?= 100000 1000000

.PHONY: bench-scale

bench-scale: $(TOOL) $(MODULE) $(BUILD)/tests/bench_scale $(BUILD)/tests/bench_indexer \
             $(BUILD)/tests/bench_search $(BUILD)/tests/bench_sitemap
	@BUILD=$(BUILD) sh bench/scale.sh $(SCALE_ARTICLES)
	@BUILD=$(BUILD) sh bench/scale-httpd.sh $(SCALE_ARTICLES)

bench: deps $(BENCH_TPL) $(BENCH_PEERS) $(MODULE) $(TOOL) $(BUILD)/tests/bench_page $(BUILD)/tests/bench_index \
       $(BUILD)/tests/bench_linear $(BUILD)/tests/bench_scale $(BUILD)/tests/bench_indexer \
       $(BUILD)/tests/bench_preview \
       $(BUILD)/tests/bench_search $(BUILD)/tests/bench_sitemap
	@sh bench/run.sh
	@echo
	@echo "== core request path (no httpd): $(BUILD)/tests/bench_page"
	@$(BUILD)/tests/bench_page conf/demo/content
	@echo
	@echo "== previews (no httpd): $(BUILD)/tests/bench_preview"
	@$(BUILD)/tests/bench_preview conf/demo/content
	@echo
	@echo "== scale: $(BENCH_ARTICLES) articles: $(BUILD)/tests/bench_index"
	@/usr/bin/time -f "peak resident memory of the whole run: %M KB" \
	    $(BUILD)/tests/bench_index $(BENCH_ARTICLES)
	@echo
	@BUILD=$(BUILD) sh bench/linear.sh
	@echo
	@echo "== content index: $(BENCH_ARTICLES) articles: bench/scale.sh"
	@BUILD=$(BUILD) sh bench/scale.sh $(BENCH_ARTICLES)
	@echo
	@echo "== httpd, three children: $(BENCH_ARTICLES) articles: bench/scale-httpd.sh"
	@BUILD=$(BUILD) sh bench/scale-httpd.sh $(BENCH_ARTICLES)

# The worst article a file can hold costs a linear pass (bench/linear.sh, tests/bench_linear.c).
.PHONY: bench-linear
bench-linear: $(BUILD)/tests/bench_linear
	@BUILD=$(BUILD) sh bench/linear.sh
