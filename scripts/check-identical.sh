#!/usr/bin/env bash
# check-identical.sh: show that a change keeps kneetrack's outputs byte for
# byte: the shared goblet clip (video in; text, JSON, CSV, HTML report,
# annotated video and saved track out), the demo, and the six motion-capture
# files of ../shared/mocap (text, JSON, CSV and HTML report each).
#
#   scripts/check-identical.sh BASE [NEW]
#
# BASE and NEW are git revisions; NEW defaults to the working tree. Each is
# built into a scratch folder and run on the same inputs; the outputs are
# compared after removing what legitimately differs between two runs (the
# report's creation time, elapsed times and tracking speed printed by the
# demo). Outputs of BASE are kept in $KNEETRACK_IDENTICAL_CACHE (default
# /tmp/kneetrack-identical) by commit, so checking several steps against
# one base runs the base once. Exit status 0 when identical, 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
shared=${KNEETRACK_SHARED:-$here/../shared}
cache=${KNEETRACK_IDENTICAL_CACHE:-/tmp/kneetrack-identical}
[ $# -ge 1 ] || { echo "usage: $0 BASE [NEW]   (git revisions; NEW defaults to the working tree)" >&2; exit 2; }
[ -d "$shared/media" ] && [ -d "$shared/mocap" ] || { echo "$0: needs the shared media and mocap folders at $shared (set KNEETRACK_SHARED)" >&2; exit 2; }
mkdir -p "$cache"
shared=$(cd "$shared" && pwd -P) # one spelling, whichever checkout runs this

# build REV DEST: builds kneetrack at REV ("" for the working tree) into DEST.
build() {
	local rev=$1 dest=$2
	if [ -z "$rev" ]; then
		(cd "$here" && go build -o "$dest" ./cmd/kneetrack)
		return
	fi
	local src
	src=$(mktemp -d)
	git -C "$here" archive "$rev" | tar -x -C "$src"
	(cd "$src" && go build -o "$dest" ./cmd/kneetrack)
	rm -rf "$src"
}

# runall BIN OUT: runs every case with BIN, writing into OUT (named
# relative to OUT, so that the outputs do not depend on where OUT is).
runall() {
	local bin=$1 out=$2
	mkdir -p "$out"
	(cd "$out" && runcases "$bin")
	# What differs between two runs of the same binary: the report's
	# creation time, the wall time of tracking and the demo's elapsed time.
	find "$out" -name report.html -exec sed -i -E 's/[0-9]{1,2} [A-Z][a-z]+ [0-9]{4}, [0-9]{2}:[0-9]{2}/DATE/g' {} +
	sed -i -E 's/\([^()]*, [0-9.]+ s\)$/(TIME)/' "$out/goblet.stderr"
	sed -i -E 's/([ (])in [0-9]+ (min [0-9]+ )?s(\)?):/\1in TIME\3:/' "$out/demo.txt"
}

# runcases BIN: the cases, run in the output folder.
runcases() {
	local bin=$1 f name
	local goblet="$shared/media/goblet-squat-front.mp4"
	set +e
	"$bin" analyze "$goblet" --report goblet-report --video goblet-annotated.mp4 \
		--csv goblet.csv --save-track goblet-track.json -o goblet.txt 2>goblet.stderr
	echo "exit $?" >goblet.exit
	"$bin" analyze goblet-track.json --format json -o goblet.json 2>/dev/null
	echo "exit $?" >goblet-json.exit
	"$bin" demo --out demo --reps 4 --size 640x360 --fps 15 >demo.txt 2>/dev/null
	echo "exit $?" >demo.exit
	for f in "$shared"/mocap/*.trc; do
		name=$(basename "$f" .trc)
		"$bin" analyze "$f" -o "$name.txt" --csv "$name.csv" --report "$name-report" 2>/dev/null
		echo "exit $?" >"$name.exit"
		"$bin" analyze "$f" --format json -o "$name.json" 2>/dev/null
		echo "exit $?" >"$name-json.exit"
	done
	set -e
}

base=$(git -C "$here" rev-parse --verify "$1^{commit}")
# One run of BASE at a time: another check of the same base waits for it.
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$cache/$base/done" ]; then
	rm -rf "${cache:?}/$base"
	mkdir -p "$cache/$base"
	echo "building and running $base (kept in $cache/$base) ..." >&2
	build "$base" "$cache/$base/kneetrack"
	runall "$cache/$base/kneetrack" "$cache/$base/out"
	touch "$cache/$base/done"
fi
flock -u 9

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
new=${2:-}
echo "building and running ${new:-the working tree} ..." >&2
build "${new:+$(git -C "$here" rev-parse --verify "$new^{commit}")}" "$work/kneetrack"
runall "$work/kneetrack" "$work/out"

if diff -r "$cache/$base/out" "$work/out" >"$work/diff"; then
	echo "identical: $(find "$work/out" -type f | wc -l) output files of ${new:-the working tree} match $base byte for byte"
	exit 0
fi
echo "DIFFERENT from $base:" >&2
head -c 20000 "$work/diff" >&2
exit 1
