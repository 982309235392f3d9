# `make soak`: t/52_soak.t for SOAK_SECONDS (default 60) in the suite's server: wrk at 64
# connections against /live while an article is rewritten every 100 ms, articles come and go and
# the server restarts gracefully twice (see the test for what is checked). `make apache-test`
# runs the same test for 8 seconds.
SOAK_SECONDS ?= 60

.PHONY: soak
soak: deps $(MODULE)
	@SOAK_SECONDS=$(SOAK_SECONDS) sh t/run.sh -verbose t/52_soak.t
