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
        .target(name: "OpenVINO", dependencies: ["COpenVINO"], swiftSettings: swiftSettings),
        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: swiftSettings),

        // Pure Swift stages.
        .target(name: "Tokenizer", swiftSettings: swiftSettings),
        .target(name: "TextIO", swiftSettings: swiftSettings),
        .target(name: "Embedding", dependencies: ["OpenVINO", "Tokenizer"], swiftSettings: swiftSettings),
        // Optimised in debug builds too: the tests run the debug tool, and its SHA-256 of the model weights
        // (checked before every run that has not seen them) and vector scans would otherwise take 30-70x longer.
        .target(
            name: "Store", dependencies: ["SQLite", "TextIO"],
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(
            name: "Pipeline", dependencies: ["Embedding", "Store", "TextIO", "Tokenizer", "OpenVINO"],
            swiftSettings: swiftSettings),

        .target(
            name: "Retrieval", dependencies: ["Embedding", "Store", "Tokenizer"], swiftSettings: swiftSettings),

        // The command-line tool: argument parsing, exit codes, output. No business logic.
        .executableTarget(
            name: "ovindex",
            dependencies: ["OpenVINO", "SQLite", "Tokenizer", "TextIO", "Embedding", "Store", "Pipeline", "Retrieval"],
            swiftSettings: swiftSettings
        ),

        // Benchmarks (release builds; see scripts/bench_*.sh).
        .executableTarget(
            name: "ovindex-bench",
            dependencies: [
                "Tokenizer", "Store", "TestSupport", "TextIO", "Pipeline", "Embedding", "OpenVINO", "Retrieval",
            ],
            swiftSettings: swiftSettings),

        // Tests.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "OpenVINOTests", dependencies: ["OpenVINO", "TestSupport", "TextIO"], swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TokenizerTests",
            dependencies: ["Tokenizer", "TestSupport"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PipelineTests", dependencies: ["Pipeline", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "TextIOTests", dependencies: ["TextIO", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EmbeddingTests", dependencies: ["Embedding", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RetrievalTests", dependencies: ["Retrieval", "Embedding", "Store", "OpenVINO", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ovindexTests", dependencies: ["ovindex", "Store", "TestSupport", "TextIO"],
            swiftSettings: swiftSettings),

    ]
)
