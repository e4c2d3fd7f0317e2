#!/bin/sh
# Prints a C file defining `const char NAME[]` with the bytes of FILE (a NUL-terminated string).
# Usage: scripts/embed-text.sh NAME FILE
set -eu
name=$1
file=$2
printf '/* Generated from %s by scripts/embed-text.sh; do not edit. */\n' "$file"
printf 'const char %s[] = {\n' "$name"
od -An -v -tx1 "$file" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1, /g; s/^/\t/'
printf '\t0x00\n};\n'
