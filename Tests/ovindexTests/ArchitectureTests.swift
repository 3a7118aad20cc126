import Foundation
import TestSupport
import Testing

/// Rules of the source tree that the compiler cannot check.
@Suite struct ArchitectureTests {
    /// Every Swift file under Sources/NAME, with its text.
    static func sources(_ module: String? = nil) throws -> [(path: String, text: String)] {
        let root = ProjectPaths.root.appendingPathComponent("Sources" + (module.map { "/" + $0 } ?? ""))
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var files: [(String, String)] = []
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            files.append((path, try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)))
        }
        return files
    }

    /// An error type that does not say how the process ends would end it with 70 ("internal error") when no
    /// one catches it: every error type of every module says (`ExitStatusError`).
    @Test func everyErrorTypeSaysHowTheProcessEnds() throws {
        let files = try Self.sources()
        let all = files.map(\.text).joined(separator: "\n")
        let declaration = try Regex(#"(?m)^\s*(?:public |private |fileprivate |internal )?(?:struct|enum|final class|class) (\w+)[^{\n]*:\s*[^{\n]*\bError\b"#)
        var types: [String] = []
        for file in files {
            for match in file.text.matches(of: declaration) {
                guard let name = match.output[1].substring else { continue }
                types.append(String(name))
            }
        }
        #expect(types.count > 20)
        for name in types {
            let conforms =
                all.contains("extension \(name): ExitStatusError") || all.contains(" \(name): ExitStatusError")
                || all.contains("extension Validator.\(name): ExitStatusError")
            #expect(conforms, "\(name) does not conform to ExitStatusError")
        }
    }

    /// The tool parses, prints and maps errors: the C libraries stay behind the modules that own them.
    @Test func theToolImportsNeitherOpenVINONorSQLite() throws {
        for file in try Self.sources("ovindex") {
            for module in ["OpenVINO", "SQLite", "COpenVINO", "CSQLite"] {
                #expect(!file.text.contains("import \(module)\n"), "\(file.path) imports \(module)")
            }
        }
    }
}
