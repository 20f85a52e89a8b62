# Two commands for a fresh machine: `make demo` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_OUT ?= demo-out

.PHONY: demo test bench scan clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing migrator and its test dependencies into $(VENV) (log: $(VENV)/install.log)"
	@$(PY) -m pip install --disable-pip-version-check --upgrade pip > $(VENV)/install.log 2>&1 && \
		$(PY) -m pip install --disable-pip-version-check -e '.[test]' >> $(VENV)/install.log 2>&1 || \
		(tail -40 $(VENV)/install.log; echo "pip install failed; full log in $(VENV)/install.log"; exit 1)
	$(PY) -c "import migrator.cli, helm_python, moto, waitress, hcl2, hypothesis"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/migrate plan samples/k8s --out $(DEMO_OUT)/migration-plan.yaml --fail-on never
	$(VENV)/bin/migrate emit --plan $(DEMO_OUT)/migration-plan.yaml --out $(DEMO_OUT)/terraform_out
	$(PY) scripts/verify_demo.py --plan $(DEMO_OUT)/migration-plan.yaml --out $(DEMO_OUT)/terraform_out

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

bench: $(STAMP)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/verify_bench.py

# checkov gets its own virtualenv: its pinned dependencies would fight the project's.
CHECKOV_VENV ?= .venv-checkov
scan: demo
	test -x $(CHECKOV_VENV)/bin/checkov || ($(PYTHON) -m venv $(CHECKOV_VENV) && \
		$(CHECKOV_VENV)/bin/pip install -q --disable-pip-version-check 'checkov>=3.2')
	$(PY) -m migrator.emit.scan $(DEMO_OUT)/terraform_out --checkov $(CHECKOV_VENV)/bin/checkov

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .hypothesis
