#!/bin/sh
# Makes sounds/moh/default.wav, the music on hold zvonar ships: a slow plucked tune in C major
# (a pentatonic melody over a two-note bass), synthesized by sox, so it is our own work.
# 8 kHz mono 16-bit (what phones play; small in the repo), about 13 s, made to loop: it ends on the chord it starts from.
# Usage: scripts/gen-moh.sh [OUT]   (needs sox)
set -eu
out=${1:-$(dirname "$0")/../sounds/moh/default.wav}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

note() # N NAME SECONDS: one plucked note with a soft fade, at a calm volume
{
	sox -R -q -n -r 16000 -c 1 -b 16 "$tmp/$1.wav" synth "$3" pluck "$2" fade q 0.01 "$3" 0.3 gain -12
}

i=0
melody="E4 G4 A4 G4 E4 D4 C4 D4 E4 G4 A4 C5 A4 G4 E4 D4 E4 G4 A4 G4 E4 D4 D4 C4"
for n in $melody; do
	note "m$(printf %02d $i)" "$n" 0.55
	i=$((i + 1))
done
sox -R -q "$tmp"/m*.wav "$tmp/melody.wav"
j=0
for n in C3 G2 A2 E2 F2 C3; do
	note "b$j" "$n" 2.2
	j=$((j + 1))
done
sox -R -q "$tmp"/b*.wav "$tmp/bass.wav"
sox -R -q -m -v 1 "$tmp/melody.wav" -v 0.7 "$tmp/bass.wav" "$tmp/mix.wav" norm -6 fade q 0.05 -0 0.4
sox -R -q "$tmp/mix.wav" -r 8000 -c 1 -b 16 "$out"
echo "wrote $out ($(soxi -D "$out") s)"
