#!/usr/bin/env bash
# Installs what Latent needs on Debian or Ubuntu: oneDNN (the GEMMs), OpenBLAS, zlib, libpng, libjpeg-turbo, Open MPI
# (its library, and mpirun for data parallel training), pkg-config,
# the Fashion-MNIST files of Debian's dataset-fashion-mnist package, the fortune files of its
# fortunes package (the default text corpus) and Chromium, in which the tests open run reports
# headless. Without root or apt-get it says exactly what to install and stops. Swift itself (6.0
# or later) must already be on PATH.
set -euo pipefail

packages=(libdnnl-dev libopenblas-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev libopenmpi-dev openmpi-bin pkg-config dataset-fashion-mnist fortunes chromium)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if ! command -v swift >/dev/null 2>&1; then
    echo "install-dependencies: no 'swift' on PATH; install a Swift 6 toolchain first." >&2
    exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-dependencies: missing ${missing[*]}, and there is no apt-get here; install those packages (or their equivalents) and run again." >&2
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as_root=(sudo)
    else
        echo "install-dependencies: missing ${missing[*]}; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
else
    as_root=()
fi

echo "install-dependencies: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
