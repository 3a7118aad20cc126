public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where the tests find the project's files: the checkout, the models setup converted, the built tool.
public enum ProjectPaths {
    /// The repository root (this file is Tests/TestSupport/ProjectPaths.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A model directory created by `make setup`, e.g. "all-MiniLM-L6-v2".
    public static func model(_ name: String = "all-MiniLM-L6-v2") -> URL {
        root.appendingPathComponent("data/models/\(name)", isDirectory: true)
    }

    /// The embedding model's IR file. Tests need `make setup` to have run (make test does it).
    public static var embeddingModelXML: String {
        model().appendingPathComponent("model.xml").path
    }

    /// The `ovindex` executable SwiftPM built next to the test bundle, or the one `$OVINDEX_TEST_BINARY` names
    /// (to run the end-to-end tests against another build, such as an earlier commit's).
    public static var executable: URL {
        pinDefaultModel
        if let other = ProcessInfo.processInfo.environment["OVINDEX_TEST_BINARY"], !other.isEmpty {
            return URL(fileURLWithPath: other)
        }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBinary.deletingLastPathComponent().appendingPathComponent("ovindex")
    }

    /// Every `ovindex` a test starts builds new stores with the default model, whatever this machine's measured
    /// choice is (`OVINDEX_PROBE=off`), so that tests do not depend on the CPU; the tests of the choice set
    /// `OVINDEX_PROBE` themselves. Set once, before the first process starts, for the processes tests start
    /// directly too.
    private static let pinDefaultModel: Void = {
        setenv("OVINDEX_PROBE", "off", 0)
    }()
}
