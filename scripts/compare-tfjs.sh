#!/usr/bin/env bash
# Times kneetrack's pose runtime and TF.js's WebAssembly backend with SIMD on
# the same models, the same fixed input and the same numbers of warm-ups and
# timed runs, and prints a markdown table of both medians and their ratio
# (kneetrack / TF.js; the goal is at most 0.5). See docs/performance.md.
#
# For every round, model and thread count it runs `kneetrack bench` and
# tools/tfjs/bench-wasm.mjs one after the other, alternating which goes first
# from round to round, so that whatever else the machine is doing hits both.
# TF.js runs in headless Chromium (Debian: apt-get install -y chromium): with
# 1 thread the wasm-SIMD build, with more the threaded wasm-SIMD build, so
# both rows use the same JavaScript engine, the newer and (measured here)
# faster one. --tfjs-runtime node runs the 1-thread case in Node instead, as
# the reference table in shared/reference was measured.
#
# Usage: scripts/compare-tfjs.sh [--models M,M,...] [--threads 1,2] [--runs N]
#          [--warmup N] [--rounds N] [--tfjs-runtime node|chromium]
#          [--kneetrack BIN] [--raw FILE] [--quiet-load L]
# Defaults: the five models of issue 3, threads 1,2, 50 runs, 5 warm-ups,
# 3 rounds, bin/kneetrack (built when missing). --raw keeps every result as
# JSON lines. --quiet-load L waits (up to 20 minutes each time) before every
# pair of runs until the 1-minute load average is at most L, for shared
# machines. Needs the models and TF.js fixtures (scripts/setup.sh).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tfjs="$repo/tools/tfjs"

die() {
	echo "compare-tfjs: $*" >&2
	exit 1
}
usage="usage: scripts/compare-tfjs.sh [--models M,M,...] [--threads 1,2] [--runs N] [--warmup N] [--rounds N] [--tfjs-runtime node|chromium] [--kneetrack BIN] [--raw FILE] [--quiet-load L]"

models="blazepose-full,blazepose-detector,movenet-lightning,movenet-thunder,blazepose-heavy"
threads="1,2"
runs=50
warmup=5
rounds=3
runtime1=chromium
kt=""
raw=""
quiet=""
while [ $# -gt 0 ]; do
	case "$1" in
	--models | --threads | --runs | --warmup | --rounds | --tfjs-runtime | --kneetrack | --raw | --quiet-load)
		[ $# -ge 2 ] || die "$1 needs a value; $usage"
		case "$1" in
		--models) models="$2" ;;
		--threads) threads="$2" ;;
		--runs) runs="$2" ;;
		--warmup) warmup="$2" ;;
		--rounds) rounds="$2" ;;
		--tfjs-runtime) runtime1="$2" ;;
		--kneetrack) kt="$2" ;;
		--raw) raw="$2" ;;
		--quiet-load) quiet="$2" ;;
		esac
		shift 2
		;;
	-h | --help)
		echo "$usage"
		exit 0
		;;
	*) die "unknown argument $1; $usage" ;;
	esac
done
for n in "$runs" "$rounds"; do
	[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "--runs and --rounds take a positive integer, got $n"
done
[[ "$warmup" =~ ^[0-9]+$ ]] || die "--warmup takes an integer of at least 0, got $warmup"
[[ "$threads" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--threads takes a comma-separated list such as 1,2, got $threads"
case "$runtime1" in node | chromium) ;; *) die "--tfjs-runtime must be node or chromium, got $runtime1" ;; esac
if [ -n "$quiet" ]; then
	[[ "$quiet" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--quiet-load takes a number such as 1.5, got $quiet"
	[ -r /proc/loadavg ] || die "--quiet-load needs /proc/loadavg (Linux)"
fi

command -v node >/dev/null 2>&1 || die "node is not installed; install Node.js 20 or newer (Debian: apt-get install nodejs)"
stamp="$tfjs/node_modules/.kneetrack-lock.sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(sha256sum "$tfjs/package-lock.json" | cut -d' ' -f1)" ]; then
	die "the pinned TF.js packages are not installed in tools/tfjs; run: bash tools/tfjs/fixtures.sh (or scripts/setup.sh)"
fi
if [[ ",$threads," =~ ,([2-9]|[1-9][0-9]+), ]] || [ "$runtime1" = chromium ]; then
	if [ -z "${KNEETRACK_CHROMIUM:-}" ] && [ ! -x /usr/lib/chromium/chromium ] &&
		! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 &&
		! command -v google-chrome >/dev/null 2>&1; then
		die "TF.js with more than one thread runs in headless Chromium, which is not installed (Debian: apt-get install -y chromium; or set KNEETRACK_CHROMIUM)"
	fi
fi

if [ -z "$kt" ]; then
	kt="$repo/bin/kneetrack"
	if [ ! -x "$kt" ]; then
		command -v go >/dev/null 2>&1 || die "bin/kneetrack is missing and go is not installed to build it"
		echo "compare-tfjs: building bin/kneetrack" >&2
		mkdir -p "$repo/bin"
		(cd "$repo" && go build -trimpath -o bin/kneetrack ./cmd/kneetrack) || die "building bin/kneetrack failed (see above)"
	fi
fi
[ -x "$kt" ] || die "$kt is not an executable kneetrack binary"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/results.jsonl"
: >"$out"

# tag ROUND TOOL: wraps each JSON line on stdin as {"round":..,"tool":..,"result":..}.
tag() {
	while IFS= read -r line; do
		if [ -n "$line" ]; then
			printf '{"round":%d,"tool":"%s","result":%s}\n' "$1" "$2" "$line"
		fi
	done
}

run_kneetrack() { # round model threads
	local log="$work/kneetrack.err"
	"$kt" bench --model "$2" --threads "$3" --runs "$runs" --warmup "$warmup" --format json >"$work/kneetrack.out" 2>"$log" ||
		{ cat "$log" >&2; die "kneetrack bench --model $2 --threads $3 failed (see above)"; }
	tag "$1" kneetrack <"$work/kneetrack.out" >>"$out"
}

run_tfjs() { # round model threads
	local log="$work/tfjs.err" rt=chromium try
	[ "$3" = 1 ] && rt="$runtime1"
	# One retry: a browser that fails to start once should not cost the whole comparison.
	for try in 1 2; do
		if node "$tfjs/bench-wasm.mjs" --model "$2" --threads "$3" --runtime "$rt" --runs "$runs" --warmup "$warmup" \
			--json >"$work/tfjs.out" 2>"$log"; then
			tag "$1" tfjs <"$work/tfjs.out" >>"$out"
			return
		fi
		cat "$log" >&2
		[ "$try" = 1 ] && echo "compare-tfjs: bench-wasm.mjs failed (above); trying once more" >&2
	done
	die "bench-wasm.mjs --model $2 --threads $3 --runtime $rt failed twice (see above)"
}

load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }

# wait_quiet: with --quiet-load, sleep until the 1-minute load average is at
# most that, for 20 minutes at most.
wait_quiet() {
	[ -n "$quiet" ] || return 0
	local l1 waited=0
	while read -r l1 _ </proc/loadavg && awk -v l="$l1" -v q="$quiet" 'BEGIN { exit !(l > q) }'; do
		if ((waited >= 1200)); then
			echo "compare-tfjs: load average still $l1 after 20 minutes; going on" >&2
			return 0
		fi
		((waited == 0)) && echo "compare-tfjs: waiting for the load average ($l1) to fall to $quiet" >&2
		sleep 10
		waited=$((waited + 10))
	done
}

started="$(date -u '+%Y-%m-%d %H:%M UTC')"
# The tree as the run starts (others may commit while it runs).
git_state="$(cd "$repo" && git log --oneline -1 2>/dev/null || echo 'not a git checkout')"
dirty="$(cd "$repo" && git status --short 2>/dev/null | wc -l)"
if [ -r /proc/loadavg ]; then
	read -r load1 _ </proc/loadavg
	if awk -v l="$load1" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
		echo "compare-tfjs: warning: load average $load1 on $(nproc) CPUs; other work competes with both runtimes and the times will be noisy" >&2
	fi
fi
load_before="$(load)"
IFS=, read -r -a model_list <<<"$models"
IFS=, read -r -a thread_list <<<"$threads"
for ((r = 1; r <= rounds; r++)); do
	for m in "${model_list[@]}"; do
		for t in "${thread_list[@]}"; do
			wait_quiet
			echo "compare-tfjs: round $r/$rounds: $m, $t thread(s) (load $(load))" >&2
			if ((r % 2)); then
				run_kneetrack "$r" "$m" "$t"
				run_tfjs "$r" "$m" "$t"
			else
				run_tfjs "$r" "$m" "$t"
				run_kneetrack "$r" "$m" "$t"
			fi
		done
	done
done
load_after="$(load)"
[ -n "$raw" ] && cp "$out" "$raw"

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
flags="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | grep -o -w -E 'avx2|fma|avx512f' | sort -u | tr '\n' ' ' || true)"
echo "Side by side, $started: $runs timed runs after 1+$warmup warm-ups, $rounds round(s), models $models."
echo "Machine: $(nproc) CPUs, ${cpu:-unknown CPU} (${flags% }); load average $load_before before, $load_after after."
echo "kneetrack: $kt, built $(date -u -r "$kt" '+%Y-%m-%d %H:%M UTC'); work tree at the start: $git_state, with $dirty changed or untracked paths."
echo "TF.js: @tensorflow/tfjs-backend-wasm $(node -p "require('$tfjs/node_modules/@tensorflow/tfjs-backend-wasm/package.json').version"); 1 thread: wasm-simd in $runtime1; more: wasm-simd-mt in Chromium."
echo
node "$tfjs/compare-table.mjs" "$out"
