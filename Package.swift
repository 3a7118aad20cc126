// swift-tools-version: 6.1
import PackageDescription

// OpenVINO's C API: `scripts/setup.sh` (run by `make setup`) links the installation to use under
// .deps/openvino/{include,lib}: a system OpenVINO when it finds one (OPENVINO_ROOT, /opt/intel/openvino,
// /usr), otherwise the official runtime from PyPI installed into .deps/venv. The library directory is also
// the binary's rpath, so `swift build`, `swift test` and `.build/*/ovindex` need no environment variables.
// Without setup the build stops at COpenVINO.h with one sentence saying to run `make setup`.
let openVINOLibraries = Context.packageDirectory + "/.deps/openvino/lib"

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "ovindex",
    // Linux is what is built and tested (CI, the container image); macOS is declared so that the package resolves
    // there, and Host's System keeps a Darwin branch that compiles in principle.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ovindex", targets: ["ovindex"])
    ],
    targets: [
        // C shims: the only targets that see C headers.
        .target(
            name: "COpenVINO",
            linkerSettings: [
                .linkedLibrary("openvino_c"),
                .unsafeFlags(["-L", openVINOLibraries, "-Xlinker", "-rpath", "-Xlinker", openVINOLibraries]),
            ]
        ),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),

        // Swift ownership of the C handles.
        .target(name: "OpenVINO", dependencies: ["COpenVINO", "Host"], swiftSettings: swiftSettings),
        .target(name: "SQLite", dependencies: ["CSQLite", "Host"], swiftSettings: swiftSettings),

        // Small shared pieces, each with one home.
        // Checksums (SHA-256, FNV-1a), optimised in debug builds too: the tests run the debug tool, whose SHA-256
        // of the model weights (checked before a run that has not seen them) would otherwise take 6 s.
        .target(
            name: "Checksum",
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The operating system: `System` (every POSIX call, the only module that imports Glibc or Darwin) and facts
        // about the running process (its memory, its CPU, elapsed time in seconds). Depends on nothing.
        .target(name: "Host", swiftSettings: swiftSettings),
        // Text in and out: JSON, lines with limits, UTF-8 checks.
        .target(name: "TextIO", dependencies: ["Host"], swiftSettings: swiftSettings),
        // Option tables: one entry per option or definition field, read by the parser, help and the reference.
        .target(name: "Settings", dependencies: ["TextIO", "Host"], swiftSettings: swiftSettings),

        // Dot products, lengths, cosines and MaxSim: the arithmetic of retrieval, in one place.
        .target(name: "VectorMath", swiftSettings: swiftSettings),
        // Deterministic corpora and vectors (SplitMix64), for the tests and the benchmarks.
        .target(name: "Synthetic", dependencies: ["VectorMath"], swiftSettings: swiftSettings),

        // Pure Swift stages.
        .target(name: "Tokenizer", dependencies: ["Host"], swiftSettings: swiftSettings),
        // What a model directory is: its manifest, where it is found, whether its weights are intact.
        .target(name: "Models", dependencies: ["Checksum", "Host"], swiftSettings: swiftSettings),
        .target(
            name: "Embedding", dependencies: ["OpenVINO", "Tokenizer", "Models", "Host", "TextIO", "VectorMath"], swiftSettings: swiftSettings),
        .target(
            name: "Store", dependencies: ["SQLite", "TextIO", "Models", "Host", "VectorMath"], swiftSettings: swiftSettings),
        // Vector database bulk formats (JSON Lines, Qdrant, Milvus, Vespa, NumPy) for `export` and `embed`.
        .target(name: "Export", dependencies: ["Store", "TextIO", "Checksum", "Host"], swiftSettings: swiftSettings),
        .target(
            name: "Pipeline",
            dependencies: [
                "Embedding", "Store", "TextIO", "Tokenizer", "OpenVINO", "Checksum", "Host", "Models", "Settings",
                "Classification",
            ],
            swiftSettings: swiftSettings),

        // Labels for texts and stored documents, from the embedding model's vectors (ovindex classify).
        .target(
            name: "Classification",
            dependencies: ["Embedding", "Store", "TextIO", "Host", "VectorMath", "Settings", "Synthetic"],
            swiftSettings: swiftSettings),
        .target(
            name: "Retrieval", dependencies: ["Embedding", "Store", "Tokenizer", "Models", "Host", "TextIO", "VectorMath"],
            swiftSettings: swiftSettings),

        // The command-line tool: argument parsing, exit codes, output. No business logic.
        .executableTarget(
            name: "ovindex",
            dependencies: [
                "Tokenizer", "TextIO", "Embedding", "Store", "Pipeline", "Retrieval", "Models", "Export", "Host",
                "Settings", "Classification",
            ],
            swiftSettings: swiftSettings
        ),

        // Benchmarks (release builds; see scripts/bench_*.sh).
        .executableTarget(
            name: "ovindex-bench",
            dependencies: [
                "Tokenizer", "Store", "Synthetic", "TextIO", "Pipeline", "Embedding", "OpenVINO", "Retrieval",
                "Models", "Host", "Checksum", "VectorMath",
            ],
            swiftSettings: swiftSettings),

        // Tests.
        .target(name: "TestSupport", dependencies: ["Synthetic"], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "ChecksumTests", dependencies: ["Checksum"], swiftSettings: swiftSettings),
        .testTarget(name: "HostTests", dependencies: ["Host"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OpenVINOTests", dependencies: ["OpenVINO", "TestSupport", "TextIO", "Host", "VectorMath"],
            swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TokenizerTests",
            dependencies: ["Tokenizer", "TestSupport"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PipelineTests", dependencies: ["Pipeline", "TestSupport", "StoreFixtures", "Store", "Checksum", "Models", "Host"],
            swiftSettings: swiftSettings),
        .target(
            name: "StoreFixtures", dependencies: ["Store", "TestSupport", "TextIO", "Checksum", "Synthetic"], path: "Tests/StoreFixtures",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "StoreTests", dependencies: ["Store", "StoreFixtures", "TestSupport", "Checksum", "Models"],
            swiftSettings: swiftSettings),
        .testTarget(name: "TextIOTests", dependencies: ["TextIO", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EmbeddingTests", dependencies: ["Embedding", "TestSupport", "Models", "VectorMath"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "RetrievalTests",
            dependencies: ["Retrieval", "Embedding", "Store", "OpenVINO", "TestSupport", "Models", "Checksum", "VectorMath"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ovindexTests",
            dependencies: ["ovindex", "Store", "TestSupport", "TextIO", "Models", "Checksum", "Settings", "Pipeline", "Host"],
            swiftSettings: swiftSettings),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", "Host"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ClassificationTests",
            dependencies: ["Classification", "Embedding", "Store", "StoreFixtures", "TestSupport", "Synthetic", "Host", "Models"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ModelsTests", dependencies: ["Models", "Checksum", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ExportTests", dependencies: ["Export", "Store", "StoreFixtures", "TestSupport", "TextIO"],
            swiftSettings: swiftSettings),

    ]
)
