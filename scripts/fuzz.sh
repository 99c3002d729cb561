#!/usr/bin/env bash
# Fuzzes one of Latent's parsers with libFuzzer (the Swift toolchain's -sanitize=fuzzer, with the
# address sanitizer), starting from its committed corpus in Fuzz/Corpus/TARGET.
#
#   scripts/fuzz.sh TARGET [libFuzzer flags…]      e.g. scripts/fuzz.sh safetensors -runs=1000000
#
# TARGET is safetensors, configuration, idx, text, metrics, cifar or image (FuzzTargets in Sources/FuzzTargets). Inputs
# that reach new code are merged into Fuzz/Corpus/TARGET afterwards; an input that crashes is
# written to Fuzz/Crashes/TARGET/, where the test suite replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh safetensors|configuration|idx|text|metrics|cifar|image [libFuzzer flags]}
shift
# SwiftPM keeps a path dependency's list of source files from its first build: when files were
# added or removed in the main package since, start the fuzzer's build afresh.
sources=$(find Sources -name '*.swift' | sort | md5sum | cut -d' ' -f1)
if [ "$(cat Fuzz/.build/sources.md5 2>/dev/null)" != "$sources" ]; then rm -rf Fuzz/.build; fi
swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld 2> >(grep -v "Cannot export local symbol" >&2)
echo "$sources" > Fuzz/.build/sources.md5
fuzzer=Fuzz/.build/release/latent-fuzz
mkdir -p "Fuzz/Corpus/$target" "Fuzz/Crashes/$target"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
LATENT_FUZZ_TARGET=$target "$fuzzer" -artifact_prefix="Fuzz/Crashes/$target/" "$@" "$work" "Fuzz/Corpus/$target" || status=$?
LATENT_FUZZ_TARGET=$target "$fuzzer" -merge=1 "Fuzz/Corpus/$target" "$work" > /dev/null 2>&1 || true
exit $status
