// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Latent",
    products: [
        .library(name: "TensorCore", targets: ["TensorCore"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "GenerativeModels", targets: ["GenerativeModels"]),
        .library(name: "Rendering", targets: ["Rendering"]),
        .library(name: "DataParallel", targets: ["DataParallel"]),
        .executable(name: "latent", targets: ["latent"]),
        // The parsers as functions of arbitrary bytes, for the fuzzer package in Fuzz/.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries: Debian's libdnnl-dev, libopenblas-dev, zlib1g-dev, libpng-dev, libjpeg62-turbo-dev and
        // libopenmpi-dev.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CDNNL",
            providers: [.apt(["libdnnl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CJPEG",
            pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"])]
        ),
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]
        ),

        // Elementwise kernels compiled for several instruction sets, chosen at run time.
        .target(name: "CKernels"),

        // Libraries, lowest layer first. Nothing below reaches up.
        .target(name: "TensorCore", dependencies: ["CDNNL", "CBLAS", "CKernels"]),
        .target(name: "NN", dependencies: ["TensorCore", "CKernels"]),
        .target(name: "Datasets", dependencies: ["TensorCore", "CZlib", "CPNG", "CJPEG"]),
        .target(name: "GenerativeModels", dependencies: ["TensorCore", "NN", "Datasets"]),
        .target(name: "Rendering", dependencies: ["TensorCore", "CZlib"]),
        // Data-parallel training across processes: the trainer's process group on Open MPI.
        .target(name: "DataParallel", dependencies: ["GenerativeModels", "CMPI"]),

        // The parsers of untrusted files as fuzz targets (Fuzz/ drives them; LatentCLITests replays their corpus).
        .target(name: "FuzzTargets", dependencies: ["TensorCore", "Datasets", "GenerativeModels"]),

        // The command-line tool.
        .executableTarget(
            name: "latent",
            dependencies: [
                "TensorCore", "NN", "Datasets", "GenerativeModels", "Rendering", "DataParallel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Release-mode benchmark: `swift run -c release latent-bench`.
        .executableTarget(
            name: "latent-bench",
            dependencies: ["TensorCore", "NN", "GenerativeModels", "Datasets", "CBLAS", "CDNNL"],
            path: "Benchmarks/LatentBench"
        ),

        // What every test target shares: the central-difference gradient checker and the closeness
        // assertion.
        .target(name: "TestSupport", dependencies: ["TensorCore"], path: "Tests/TestSupport"),

        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "CKernels", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "TensorCore", "TestSupport"]),
        // Fixtures (a CIFAR-10 excerpt, small PNG and JPEG files) are read from the source tree by path.
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TensorCore", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "GenerativeModelsTests", dependencies: ["GenerativeModels", "NN", "TensorCore", "Datasets", "TestSupport"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "TensorCore", "TestSupport"]),
        // Fixtures (run folders and --help snapshots) are read from the source tree by path.
        .testTarget(name: "LatentCLITests", dependencies: ["latent", "TestSupport", "FuzzTargets", "CZlib"], exclude: ["Fixtures"]),
    ]
)
