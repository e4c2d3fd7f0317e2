#!/bin/sh
# Makes the prompts zvonar ships in sounds/prompts/ with its own offline TTS (espeak-ng):
# recording-notice (played before a call is recorded) and vm-greeting (before a voicemail
# message). 8 kHz mono 16-bit. A tenant replaces one by uploading a prompt of the same name.
# Usage: scripts/gen-prompts.sh [ZVONAR]   (default build/zvonar)
set -eu
zv=${1:-$(dirname "$0")/../build/zvonar}
out=$(dirname "$0")/../sounds/prompts
mkdir -p "$out"
"$zv" speech say -o "$out/recording-notice.wav" -l en -f -r 8000 \
	"This call is recorded. To continue without recording, press 9 now." >/dev/null
"$zv" speech say -o "$out/vm-greeting.wav" -l en -f -r 8000 \
	"Please leave a message after the tone. Press the hash key when you are done." >/dev/null
