public import Foundation

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
        if let other = ProcessInfo.processInfo.environment["OVINDEX_TEST_BINARY"], !other.isEmpty {
            return URL(fileURLWithPath: other)
        }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBinary.deletingLastPathComponent().appendingPathComponent("ovindex")
    }
}
