# Fazhi: the README's two commands are `make run` and `make test`.
# Needs Python >= 3.11, Node 20 (npm) and the system libraries WeasyPrint uses (see README).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.fazhi-installed
NPM_STAMP := node_modules/.package-lock.json
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1:8000

# Lanes that need something outside the process run elsewhere (.ci/run).
PYTEST_FAST := -m "not browser and not celery_worker"

.PHONY: run install assets migrate seed test lint check pytest browser-test messages clean \
	bench-laws recommend-eval

## install: create .venv (once) and install the pinned dependencies when pyproject.toml changes
install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 needed, found " + sys.version)'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

## assets: JavaScript libraries and web fonts from the npm registry into static/vendor, static/fonts;
## static/fonts/pdf gets one merged TrueType file per weight for WeasyPrint (tools/build_pdf_fonts.py)
PDF_FONTS := static/fonts/pdf/NotoSerifSC-Regular.ttf static/fonts/pdf/NotoSerifSC-Bold.ttf

assets: $(NPM_STAMP) $(PDF_FONTS)
	@rm -rf static/vendor static/fonts/noto-serif-sc static/fonts/noto-sans-sc
	@mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts.min.js
	cp node_modules/sm-crypto/dist/sm2.js static/vendor/sm2.js
	@for fam in noto-serif-sc noto-sans-sc; do \
	  mkdir -p static/fonts/$$fam/files; \
	  cp node_modules/@fontsource/$$fam/400.css node_modules/@fontsource/$$fam/700.css \
	     node_modules/@fontsource/$$fam/LICENSE static/fonts/$$fam/; \
	  cp node_modules/@fontsource/$$fam/files/*-400-normal.woff2 \
	     node_modules/@fontsource/$$fam/files/*-700-normal.woff2 static/fonts/$$fam/files/; \
	done
	@echo "assets: static/vendor ($$(ls static/vendor | wc -l) files), static/fonts ($$(find static/fonts -name '*.woff2' | wc -l) font files)"

$(PDF_FONTS) &: $(NPM_STAMP) tools/build_pdf_fonts.py | $(STAMP)
	@rm -f $(PDF_FONTS)
	$(PY) tools/build_pdf_fonts.py

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py load_laws
	$(PY) manage.py seed --scale demo

## run: everything a fresh machine needs, then the development server
run: $(STAMP) assets seed
	@echo "Fazhi: http://$(HOST)/  (the demo accounts are listed above)"
	$(PY) manage.py runserver $(HOST)

## test: lint, Django checks, migrations up to date, pytest on SQLite, then the browser tests
test: $(STAMP) assets lint check pytest browser-test

lint: $(STAMP)
	$(VENV)/bin/ruff check .

check: $(STAMP)
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

pytest: $(STAMP)
	$(VENV)/bin/pytest -q $(PYTEST_FAST)

browser-test: $(STAMP) assets
	@if [ -x "$(CHROMIUM)" ]; then \
	  $(VENV)/bin/pytest -q -m browser tests/e2e; \
	else \
	  echo "=============================================================="; \
	  echo "browser tests SKIPPED: chromium not installed ($(CHROMIUM))"; \
	  echo "=============================================================="; \
	fi

## bench-laws: benchmark B4 (provision search) and the recommender's latency; DATABASE_URL picks the DB
bench-laws: $(STAMP)
	$(PY) bench/b4_search.py
	$(PY) bench/recommend_latency.py

## recommend-eval: the recommender's dev-set figures beside the baseline (docs/laws-recommender.md)
recommend-eval: $(STAMP)
	$(PY) -m fazhi.laws.recommend.evaluate

# The project catalogue (locale/) holds templates/ and config/; each app keeps its own.
ROOT_IGNORE := --ignore=fazhi --ignore=tests --ignore=node_modules --ignore=var --ignore=static \
	--ignore=bench --ignore=tools --ignore=docs

## messages: refresh and compile the zh_Hans catalogues of the project and of every app
messages: $(STAMP)
	@for d in . fazhi/*; do \
	  if [ -d "$$d/locale" ]; then \
	    echo "== $$d"; \
	    if [ "$$d" = . ]; then ign="$(ROOT_IGNORE)"; else ign=""; fi; \
	    (cd $$d && DJANGO_SETTINGS_MODULE=config.settings.base PYTHONPATH=$(CURDIR) \
	      $(CURDIR)/$(VENV)/bin/django-admin makemessages -l zh_Hans --no-obsolete $$ign \
	      && DJANGO_SETTINGS_MODULE=config.settings.base PYTHONPATH=$(CURDIR) \
	      $(CURDIR)/$(VENV)/bin/django-admin compilemessages -l zh_Hans) || exit 1; \
	  fi; \
	done

clean:
	rm -rf static/vendor static/fonts test-results .pytest_cache
