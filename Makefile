# Parley — see README.md. Every target sets up what it needs on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
CARGO ?= cargo
SERVICES := api/scripts/services.sh
BIN := target/debug/parley
export NEXT_TELEMETRY_DISABLED := 1
export NEXT_IGNORE_INCORRECT_LOCKFILE := 1

.PHONY: help run dev migrate test test-api test-web contract lint openapi bench web-deps build

help:
	@echo "make run      start Parley on http://127.0.0.1:8080 (local PostgreSQL, in-process bus, dev sign-in, offline Stripe)"
	@echo "make dev      the API and the web app together (http://localhost:3000)"
	@echo "make test     every test: API, contract (schemathesis, AsyncAPI), web (starts PostgreSQL and Redis as needed)"
	@echo "make lint     rustfmt, clippy -D warnings, web lint and type check"
	@echo "make openapi  regenerate openapi/openapi.json, openapi/asyncapi.yaml and the web client types"
	@echo "make bench    the benchmarks whose figures are in the README"

build:
	$(CARGO) build -p parley-api
	$(CARGO) build -p parley-tests --bin fake-stripe --bin fake-notion --bin fake-twilio

# DATABASE_URL wins when set; otherwise a local PostgreSQL is found or started.
run: build
	@if [ -z "$${DATABASE_URL:-}" ]; then eval "$$($(SERVICES))"; export DATABASE_URL="$$PG_BASE_URL/parley"; \
	  psql -w "$$PG_BASE_URL/postgres" -Atqc "SELECT 1 FROM pg_database WHERE datname = 'parley'" | grep -q 1 \
	    || psql -w "$$PG_BASE_URL/postgres" -qc "CREATE DATABASE parley"; fi; \
	if [ -z "$${VAPID_PRIVATE_KEY:-}" ]; then [ -s target/dev-vapid-key ] || $(BIN) vapid-keygen > target/dev-vapid-key; \
	  export VAPID_PRIVATE_KEY="$$(cat target/dev-vapid-key)"; fi; \
	if [ -z "$${STRIPE_SECRET_KEY:-}" ]; then \
	  eval "$$(api/scripts/dev-stripe.sh "http://$${BIND_ADDR:-127.0.0.1:8080}")"; \
	  trap '[ -n "$${FAKE_STRIPE_PID:-}" ] && kill $$FAKE_STRIPE_PID 2>/dev/null' EXIT; fi; \
	if [ -z "$${NOTION_API_BASE:-}" ]; then \
	  eval "$$(api/scripts/dev-notion.sh "http://$${BIND_ADDR:-127.0.0.1:8080}")"; \
	  trap '[ -n "$${FAKE_STRIPE_PID:-}" ] && kill $$FAKE_STRIPE_PID 2>/dev/null; [ -n "$${FAKE_NOTION_PID:-}" ] && kill $$FAKE_NOTION_PID 2>/dev/null' EXIT; fi; \
	if [ -z "$${SMTP_URL:-}" ]; then \
	  eval "$$(api/scripts/maildev.sh)"; \
	  echo "e-mail: OFFLINE TEST MODE — MailDev catches every mail: http://127.0.0.1:1080 (or the web app's /dev/mail)" >&2; fi; \
	if [ -z "$${TWILIO_ACCOUNT_SID:-}" ]; then \
	  eval "$$(api/scripts/dev-twilio.sh "http://$${BIND_ADDR:-127.0.0.1:8080}")"; fi; \
	trap '[ -n "$${FAKE_STRIPE_PID:-}" ] && kill $$FAKE_STRIPE_PID 2>/dev/null; [ -n "$${FAKE_NOTION_PID:-}" ] && kill $$FAKE_NOTION_PID 2>/dev/null; [ -n "$${FAKE_TWILIO_PID:-}" ] && kill $$FAKE_TWILIO_PID 2>/dev/null; [ -n "$${MAILDEV_PID:-}" ] && kill $$MAILDEV_PID 2>/dev/null' EXIT; \
	if [ -z "$${SECRETS_KEY:-}" ]; then [ -s target/dev-secrets-key ] || head -c 32 /dev/urandom | base64 > target/dev-secrets-key; \
	  export SECRETS_KEY="$$(cat target/dev-secrets-key)"; fi; \
	$(BIN) migrate && AUTH_MODE=$${AUTH_MODE:-dev} $(BIN) serve

migrate: build
	@if [ -z "$${DATABASE_URL:-}" ]; then eval "$$($(SERVICES))"; export DATABASE_URL="$$PG_BASE_URL/parley"; fi; $(BIN) migrate

dev: build web-deps
	@trap 'kill 0' EXIT; $(MAKE) --no-print-directory run & \
	  (cd web && NEXT_PUBLIC_API_URL=$${NEXT_PUBLIC_API_URL:-http://127.0.0.1:8080} npm run dev) & wait

# The API tests first; then the contract test and the web tests side by side (separate
# ports and databases), each reporting in full.
test: build
	@$(MAKE) --no-print-directory test-api
	@mkdir -p target; rm -f target/contract.rc; \
	  ( $(MAKE) --no-print-directory contract >target/contract.out 2>&1; echo $$? >target/contract.rc ) & \
	  web=0; $(MAKE) --no-print-directory test-web || web=$$?; wait; \
	  cat target/contract.out; contract=$$(cat target/contract.rc); \
	  echo "contract test: exit $$contract; web tests: exit $$web"; \
	  [ "$$web" -eq 0 ] && [ "$$contract" -eq 0 ]

# schemathesis with every check against a freshly started API, and the AsyncAPI document
# validated against the official schema.
contract: build
	@api/scripts/contract.sh

# Tests create their own databases (those of an earlier run are dropped here first) and use
# a unique Redis prefix each.
test-api:
	@eval "$$($(SERVICES) --redis)"; \
	export TEST_PG_BASE_URL="$$PG_BASE_URL" TEST_REDIS_URL="$$REDIS_BASE_URL"; \
	for db in $$(psql -w "$$PG_BASE_URL/postgres" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'parley_t%'"); do \
	  psql -w "$$PG_BASE_URL/postgres" -qc "DROP DATABASE IF EXISTS \"$$db\" WITH (FORCE)" >/dev/null; done; \
	mkdir -p target; $(CARGO) test --workspace --locked 2>&1 | tee target/test-api.log

test-web: build
	@if [ -f web/package.json ]; then api/scripts/web-test.sh; else echo "no web app yet"; fi

web-deps:
	@cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; }

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	@if [ -f web/package.json ]; then $(MAKE) --no-print-directory web-deps && cd web && npm run lint && npm run typecheck; fi

openapi:
	$(CARGO) run -q -p parley-api -- openapi > openapi/openapi.json
	$(CARGO) run -q -p parley-api -- asyncapi > openapi/asyncapi.yaml
	@if [ -f web/package.json ]; then $(MAKE) --no-print-directory web-deps && cd web && npm run gen:api; fi

bench:
	$(CARGO) build --release -p parley-api -p parley-tests --bins
	@eval "$$($(SERVICES) --redis)"; export PG_BASE_URL REDIS_BASE_URL; api/scripts/bench.sh
