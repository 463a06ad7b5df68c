#!/usr/bin/env bash
# A lean release of fika: the binary without its debug info, and the debug info beside it
# in fika.debug, linked by the binary's .gnu_debuglink section. Backtraces (RUST_BACKTRACE=1
# in fika's log) and gdb read file and line from fika.debug when it sits next to the binary;
# without it they still name the functions. Ship fika; keep fika.debug with the release.
#   contrib/release.sh [OUT_DIR]            (default target/dist)
# FIKA_BIN=path/to/fika skips the build and splits that binary instead.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/dist}"
bin="${FIKA_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release --locked
  bin=target/release/fika
fi
command -v objcopy >/dev/null || { echo "release.sh needs objcopy (Debian: binutils)" >&2; exit 1; }
mkdir -p "$out"
objcopy --only-keep-debug "$bin" "$out/fika.debug"
objcopy --strip-debug --add-gnu-debuglink="$out/fika.debug" "$bin" "$out/fika"
chmod 755 "$out/fika"
chmod 644 "$out/fika.debug"
echo "$(du -h "$bin" | cut -f1) built; shipped: $(du -h "$out/fika" | cut -f1) $out/fika, debug info: $(du -h "$out/fika.debug" | cut -f1) $out/fika.debug"
