#!/usr/bin/env bash
# Speech benchmark: TTS characters per second and real-time factor of espeak-ng and Flite,
# pocketsphinx real-time factor in grammar and free mode on a generated 8 kHz clip, and
# extractive summary throughput on Russian and English texts; one table. Measured in the
# driver's own CPU time (one core), so other load on the machine does not skew it much.
# Usage: bench/speech.sh [BUILD_DIR]   (BENCH_QUICK=1: 0.5 s per measurement instead of 3 s)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-build}" && pwd)
SECS=${BENCH_QUICK:+0.5}
SECS=${SECS:-3}
OUT=$(mktemp /tmp/zvbench-speech.XXXXXX)
trap 'rm -f "$OUT"' EXIT

make -s -C "$ROOT" BUILD="$BUILD" "$BUILD/bench/speech_bench" >&2 ||
	{ echo "speech.sh: cannot build the driver" >&2; exit 1; }
"$BUILD/bench/speech_bench" "$SECS" >"$OUT" || { echo "speech.sh: the driver failed" >&2; exit 1; }

awk '
$1 == "tts" {
	if (!t++) {
		printf "%-24s %6s %10s %10s %14s\n", "TTS (one core)", "rate", "chars/s", "RTF", "x real time"
	}
	printf "%-24s %6s %10d %10.4f %14.0f\n", $2, $3, $4, $5, 1 / $5
}
$1 == "heard" { heard[$2] = substr($0, index($0, $3)) }
$1 == "asr" {
	if (!a++) {
		printf "\n%-24s %6s %10s %10s %14s\n", "ASR pocketsphinx", "clip s", "RTF", "streams/core", "heard"
	}
	printf "%-24s %6.2f %10.4f %10.1f   %s\n", ($2 == "grammar" ? "grammar (10 digits)" : "free (en-us LM)"), $3, $4, 1 / $4, heard[$2]
}
$1 == "summary" {
	if (!s++) {
		printf "\n%-24s %6s %10s %10s %14s\n", "Extractive summary", "sent.", "bytes", "texts/s", "KB/s"
	}
	printf "%-24s %6d %10d %10.1f %14.0f\n", ($2 == "ru" ? "Russian" : "English"), $3, $4, $5, $6 / 1024
}' "$OUT"
echo "(RTF: CPU seconds per second of audio; streams/core = 1/RTF, decoder set-up included)"
