#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the whole test suite.
# This is the command .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
printf '\n== go vet\n'
go vet ./...
printf '\n== staticcheck\n'
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
printf '\n== go test\n'
go test -count=1 -timeout 60m ./...
