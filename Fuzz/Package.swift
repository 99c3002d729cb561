// swift-tools-version:6.0
import PackageDescription

// The libFuzzer driver for Latent's parsers (FuzzTargets in the main package). A package of its
// own, built only by scripts/fuzz.sh with the toolchain's fuzzer and address sanitizer, so the
// main package builds without them.
let package = Package(
    name: "LatentFuzz",
    dependencies: [.package(name: "Latent", path: "..")],
    targets: [
        .executableTarget(name: "latent-fuzz", dependencies: [.product(name: "FuzzTargets", package: "Latent")]),
    ]
)
