# Browser test of the default theme (t/42_browser.t, t/browser/).
#   make browser-deps   installs t/browser/node_modules (playwright-core, axe-core, and vnu-jar,
#                       the Nu HTML Checker that t/44_html_valid.t runs with Java; pinned by
#                       package-lock.json) when it is missing and Chromium is installed
#   make browser-test   runs t/42_browser.t alone; screenshots land in build/screenshots/

BROWSER_DIR := t/browser

.PHONY: browser-deps browser-test

browser-deps:
	@if [ -d $(BROWSER_DIR)/node_modules/playwright-core ] && [ -d $(BROWSER_DIR)/node_modules/axe-core ] && \
	    [ -f $(BROWSER_DIR)/node_modules/vnu-jar/build/dist/vnu.jar ]; then \
	  :; \
	elif [ ! -x /usr/bin/chromium ]; then \
	  echo "browser-deps: /usr/bin/chromium is not installed; t/42_browser.t will skip"; \
	elif ! command -v npm >/dev/null 2>&1; then \
	  echo "browser-deps: npm is not installed; t/42_browser.t will skip"; \
	else \
	  echo "browser-deps: npm ci in $(BROWSER_DIR)"; \
	  cd $(BROWSER_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	fi

browser-test: browser-deps $(MODULE)
	@sh t/run.sh t/42_browser.t
