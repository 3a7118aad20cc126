import TestSupport
import Testing

/// The built executable, run as users run it.
@Suite struct ToolTests {
    @Test func helpListsTheCommandsAndExitsZero() throws {
        let result = try runOvindex(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Usage: ovindex <command> [options]"))
        #expect(result.stdout.contains("version"))
    }

    @Test func versionNamesTheNativeLibraries() throws {
        let result = try runOvindex(["version"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("OpenVINO 20"))
        #expect(result.stdout.contains("SQLite 3."))
    }

    @Test func unknownCommandIsAUsageError() throws {
        let result = try runOvindex(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown command 'frobnicate'"))
        #expect(result.stdout.isEmpty)
    }

    @Test func unknownOptionNamesTheOptionAndTheHelpCommand() throws {
        let result = try runOvindex(["version", "--verbose"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown option '--verbose'"))
        #expect(result.stderr.contains("ovindex version --help"))
    }

    @Test func everyCommandHasHelp() throws {
        let list = try runOvindex(["--help"]).stdout
        let names = list.split(separator: "\n")
            .drop { !$0.hasPrefix("Commands:") }.dropFirst()
            .prefix { $0.hasPrefix("  ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(!names.isEmpty)
        for name in names {
            let result = try runOvindex([name, "--help"])
            #expect(result.status == 0, "\(name) --help")
            #expect(result.stdout.contains("Usage: ovindex \(name)"), "\(name) --help")
        }
    }
}
