#!/usr/bin/env bash
# Produces the TensorFlow.js reference fixtures that the Go conformance tests
# compare kneetrack's pose runtime against (see docs/conformance.md).
#
# Installs the pinned TF.js packages into tools/tfjs/node_modules with
# `npm ci` when they are missing or no longer match package-lock.json, then
# runs make-fixtures.mjs. Does nothing when the output folder already holds
# complete fixtures for the same models, TF.js and Node versions and inputs.
#
# Usage: bash tools/tfjs/fixtures.sh [--models DIR] [--out DIR] [--shared DIR] [--force]
# Defaults (the same rule as Go's os.UserCacheDir on Linux):
#   --models  $KNEETRACK_MODELS_DIR or <cache>/kneetrack/models/3.0.4
#   --out     $KNEETRACK_FIXTURES_DIR or <cache>/kneetrack/fixtures/tfjs-4.22.0_models-3.0.4
#   --shared  $KNEETRACK_SHARED or the shared/ folder beside the repository, if present
# where <cache> is $XDG_CACHE_HOME or ~/.cache.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

die() {
	echo "fixtures: $*" >&2
	exit 1
}

command -v node >/dev/null 2>&1 || die "node is not installed; install Node.js 20 or newer (Debian: apt-get install nodejs)"
command -v npm >/dev/null 2>&1 || die "npm is not installed (Debian: apt-get install npm)"

cache_dir() {
	if [ -n "${XDG_CACHE_HOME:-}" ]; then
		case "$XDG_CACHE_HOME" in
		/*) printf '%s\n' "$XDG_CACHE_HOME" ;;
		*) die "XDG_CACHE_HOME ($XDG_CACHE_HOME) is a relative path; make it absolute or unset it" ;;
		esac
	elif [ -n "${HOME:-}" ]; then
		printf '%s\n' "$HOME/.cache"
	else
		die "neither XDG_CACHE_HOME nor HOME is set; pass --models and --out"
	fi
}

models="${KNEETRACK_MODELS_DIR:-}"
out="${KNEETRACK_FIXTURES_DIR:-}"
shared="${KNEETRACK_SHARED:-}"
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--models | --out | --shared)
		[ $# -ge 2 ] || die "$1 needs a value"
		case "$1" in
		--models) models="$2" ;;
		--out) out="$2" ;;
		--shared) shared="$2" ;;
		esac
		shift 2
		;;
	--force)
		extra+=(--force)
		shift
		;;
	*) die "unknown argument $1; usage: bash tools/tfjs/fixtures.sh [--models DIR] [--out DIR] [--shared DIR] [--force]" ;;
	esac
done
if [ -z "$models" ] || [ -z "$out" ]; then
	cache="$(cache_dir)"
	[ -n "$models" ] || models="$cache/kneetrack/models/3.0.4"
	[ -n "$out" ] || out="$cache/kneetrack/fixtures/tfjs-4.22.0_models-3.0.4"
fi
if [ -z "$shared" ] && [ -d "$repo/../shared" ]; then
	shared="$(cd "$repo/../shared" && pwd)"
fi

# npm ci when node_modules is absent or was installed from another lock file.
stamp="$here/node_modules/.kneetrack-lock.sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	echo "fixtures: installing the pinned TF.js packages (npm ci in tools/tfjs)"
	log="$(mktemp)"
	if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "npm ci failed in $here (see above); check the network and npm's registry setting, then run again"
	fi
	rm -f "$log"
	printf '%s\n' "$want" >"$stamp"
fi

args=(--models "$models" --out "$out")
[ -n "$shared" ] && args+=(--shared "$shared")
exec node "$here/make-fixtures.mjs" "${args[@]}" "${extra[@]}"
