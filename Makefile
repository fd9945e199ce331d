# deskchat — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin:$(shell go env GOPATH 2>/dev/null)/bin
# One build-tag set everywhere, so mattn/go-sqlite3 compiles once.
export GOFLAGS := -tags=sqlite_fts5
# -race: the server is concurrent by nature; the detector costs ~40 s of
# extra compile once, then little.
GO_TEST_FLAGS ?= -race -count=1 -timeout=15m

RUN_DIR  ?= .run
RUN_ADDR ?= 127.0.0.1:8080

.PHONY: generate run run-server run-cluster nats test test-cluster deps frontend widget check-widget server app test-go test-frontend test-e2e test-app test-agent test-load bench soak vet clean

## run: open the desktop app on its embedded local helpdesk (demo data);
## it prints the widget preview URL. Needs a display.
run: deps app
	./build/bin/deskchat

## run-server: the chat server alone with the demo helpdesk (headless hosts)
run-server: deps server
	@mkdir -p $(RUN_DIR)
	./bin/deskchat-server serve --demo --db $(RUN_DIR)/deskchat.db --addr $(RUN_ADDR)

## run-cluster: PostgreSQL, NATS and three server nodes on ports 8081-8083
## sharing one demo helpdesk (headless hosts too); Ctrl-C stops all.
run-cluster: deps server nats
	./scripts/run-cluster.sh

## test: install what is missing, build, and run every test
test: deps check-widget frontend server vet test-go test-load test-cluster test-frontend test-e2e app test-app test-agent
	@echo "make test: all suites passed"

deps:
	./scripts/install-deps.sh

## generate: the TypeScript written from Go (frontend/src/lib/protocol.gen.ts,
## bindings.gen.ts); make test fails while they are stale.
generate:
	DESKCHAT_UPDATE_TS=1 go test -count=1 -run 'TestProtocolTypeScript|TestBindingsTypeScript' ./backend/chat ./app

frontend:
	cd frontend && npm run build

# widget: rebuild the customer widget bundles (committed; see backend/widget).
widget:
	cd frontend && npm run build:widget

# check-widget: type-check the widget, enforce its size budgets, and fail
# if the committed bundles differ from a fresh build.
check-widget:
	cd frontend && npm run check:widget

server:
	go build -o bin/deskchat-server ./backend/cmd/deskchat-server

# nats: the NATS server the multi-node tests and run-cluster use, at the
# version go.mod pins (a go tool dependency).
nats:
	go build -o bin/nats-server github.com/nats-io/nats-server/v2

# -m: wails must not run `go mod tidy`; -s: the frontend is already built;
# -skipbindings: the frontend's bindings are ours (bindings.gen.ts), and
# Wails' generator only prints "KnownStructs … Not found: time.Time".
app: frontend
	wails build -m -s -skipbindings

vet: frontend
	go vet ./...

# The desktop sync and multi-node tests run the real server binary
# (DESKCHAT_SERVER) and NATS (DESKCHAT_NATS_SERVER); PostgreSQL comes from
# install-deps (postgresql-15), a throwaway cluster per test process.
# The multi-node tests (backend/cluster) run after the others, alone: they
# start a dozen processes, and the timing of the other packages' fault
# tests should not depend on them.
test-go: frontend server nats
	DESKCHAT_SERVER=$(CURDIR)/bin/deskchat-server DESKCHAT_NATS_SERVER=$(CURDIR)/bin/nats-server \
	  go test $(GO_TEST_FLAGS) $$(go list ./... | grep -v /backend/cluster$$)
	DESKCHAT_SERVER=$(CURDIR)/bin/deskchat-server DESKCHAT_NATS_SERVER=$(CURDIR)/bin/nats-server \
	  go test $(GO_TEST_FLAGS) ./backend/cluster/

test-frontend:
	cd frontend && npm test

test-e2e: frontend server
	cd frontend && DESKCHAT_SERVER=$(CURDIR)/bin/deskchat-server npm run test:e2e

test-app: app
	SMOKE_OUT=$(CURDIR)/frontend/e2e/artifacts/app ./scripts/app-smoke.sh build/bin/deskchat

# test-cluster: make run-cluster as the README describes it, checked: three
# nodes come up on PostgreSQL and NATS and a message crosses them.
test-cluster: server nats
	RUN_DIR=$$(mktemp -d) ./scripts/run-cluster.sh --check

# test-load: a few seconds of the load tool against a fresh server; any
# error, missing delivery or unopened stream fails it.
test-load: server
	go build -o bin/deskchat-load ./backend/cmd/deskchat-load
	./bin/deskchat-load --strict --customers 300 --senders 30 --agents 3 --rate 300 --duration 3s --addrs 2 --slow 2 --flood 100

## soak: the fault tests many times over (SOAK_COUNT, default 20) and a
## minute of load with a flood, slow consumers and a server restart.
SOAK_COUNT ?= 20
soak: server
	go build -o bin/deskchat-load ./backend/cmd/deskchat-load
	DESKCHAT_SERVER=$(CURDIR)/bin/deskchat-server go test -race -count=$(SOAK_COUNT) -timeout=60m \
	  -run 'SIGKILL|Kill|CutMidFrame|FullDisk|Locked|GroupCommit|Panic|Cancelled|AccessMatrix|DroppedConnection' ./backend/... ./app/...
	./bin/deskchat-load --strict --customers 5000 --senders 500 --agents 20 --rate 1500 --duration 60s \
	  --slow 5 --flood 300 --addrs 2 --restart

## bench: every benchmark and load run on this machine; the report goes to
## bench-out/report.txt (raw figures next to it), ready for docs/PERFORMANCE.md.
bench: server app
	./scripts/bench.sh

# test-agent: the agent UI end to end through the app's real bindings
# (wails dev under Xvfb + D-Bus, dunst, the tray watcher, Chromium).
test-agent: frontend server
	./scripts/app-e2e.sh

clean:
	rm -rf bin build/bin frontend/dist $(RUN_DIR)
