# Checks of the content formats (docs/lint.md):
#   make validate-demo   every article of the demo site against conf/schema/article.rng, every
#                        _section.xml against conf/schema/section.rng, then `newsportal lint`
#                        on the demo, which must find no error; prints one summary line
#   make lint-check      the part of `make test` that this file adds: validate-demo

DEMO_CONTENT ?= conf/demo/content
XMLLINT      ?= xmllint
SCHEMA_DIR   := conf/schema

.PHONY: validate-demo lint-check

validate-demo: $(TOOL)
	@fail=0; \
	arts=$$(find $(DEMO_CONTENT) -name '*.xml' ! -name _section.xml | wc -l); \
	secs=$$(find $(DEMO_CONTENT) -name _section.xml | wc -l); \
	a=$$(find $(DEMO_CONTENT) -name '*.xml' ! -name _section.xml -exec \
	  $(XMLLINT) --noout --nonet --relaxng $(SCHEMA_DIR)/article.rng {} + 2>&1) || fail=1; \
	s=$$(find $(DEMO_CONTENT) -name _section.xml -exec \
	  $(XMLLINT) --noout --nonet --relaxng $(SCHEMA_DIR)/section.rng {} + 2>&1) || fail=1; \
	l=$$($(TOOL) lint $(DEMO_CONTENT)) || fail=1; \
	printf '%s\n%s\n%s\n' "$$a" "$$s" "$$l" | grep -v -e ' validates$$' -e '^lint: ' -e '^$$' || true; \
	if [ $$fail != 0 ]; then \
	  echo "validate-demo: FAILED ($$(printf '%s\n' "$$l" | tail -n 1))"; exit 1; \
	fi; \
	echo "validate-demo: $$arts articles and $$secs _section.xml valid against $(SCHEMA_DIR)/;" \
	  "$$(printf '%s\n' "$$l" | tail -n 1)"

lint-check: validate-demo
