# Targets CI calls too (.ci/run runs `make lint test`).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: build test lint bench fuzz screenshots

build:
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o ziping ./cmd/ziping

test:
	go test ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go tool staticcheck ./...

bench:
	go test ./engine ./xlsx -run '^$$' -bench . -benchtime 5x -count 5
	go run ./cmd/ziping bench

fuzz:
	go test ./engine -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime 60s
	go test ./engine -run '^$$' -fuzz '^FuzzSchoolExpr$$' -fuzztime 60s
	go test ./engine -run '^$$' -fuzz '^FuzzMetricExpr$$' -fuzztime 60s
	go test ./engine -run '^$$' -fuzz '^FuzzResultJSON$$' -fuzztime 60s
	go test ./engine -run '^$$' -fuzz '^FuzzTidyReason$$' -fuzztime 30s
	go test ./xlsx -run '^$$' -fuzz '^FuzzReadCSV$$' -fuzztime 60s
	go test ./xlsx -run '^$$' -fuzz '^FuzzPlainRecord$$' -fuzztime 30s
	go test ./xlsx -run '^$$' -fuzz '^FuzzSheetScanner$$' -fuzztime 60s
	go test ./xlsx -run '^$$' -fuzz '^FuzzSharedStrings$$' -fuzztime 60s
	go test ./xlsx -run '^$$' -fuzz '^FuzzReadText$$' -fuzztime 30s
	go test ./survey -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 30s
	go test ./survey -run '^$$' -fuzz '^FuzzFromSheet$$' -fuzztime 30s
	go test ./cmd/ziping -run '^$$' -fuzz '^FuzzExpandLists$$' -fuzztime 30s
	go test ./report -run '^$$' -fuzz '^FuzzLint$$' -fuzztime 60s -fuzzminimizetime 5s
	go test ./catalog -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime 30s
	go test ./account -run '^$$' -fuzz '^FuzzDeviceCookie$$' -fuzztime 60s
	go test ./report -run '^$$' -fuzz '^FuzzImportDraft$$' -fuzztime 60s -fuzzminimizetime 5s
	go test ./docx -run '^$$' -fuzz '^FuzzJoinNumbers$$' -fuzztime 30s
	go test ./web -run '^$$' -fuzz '^FuzzTemplates$$' -fuzztime 60s

# The screenshots of docs/screenshots: the web package's browser tests write theirs,
# TestDemoScreenshots the demo's main pages per account (docs/screenshots/demo, made
# 8-bit when ImageMagick is installed: a third of the size, the same to the eye).
screenshots:
	ZIPING_SCREENSHOTS=1 go test ./web -run Browser -count=1
	ZIPING_SCREENSHOTS=1 go test ./cmd/ziping -run TestDemoScreenshots -count=1
	if command -v convert >/dev/null; then for f in docs/screenshots/demo/*.png; do convert "$$f" -colors 256 "PNG8:$$f"; done; fi
