import OpenVINO
import SQLite

/// `ovindex version`: the versions of the tool and of the native libraries it runs on.
struct VersionCommand: Command {
    static let name = "version"
    static let summary = "Print the versions of ovindex, OpenVINO and SQLite"
    static let help = """
        Usage: ovindex version

        Prints the ovindex version and the OpenVINO runtime and SQLite library this binary uses.
        """

    init(parsing arguments: inout Arguments) throws(UsageError) {
        _ = try arguments.positionals(max: 0)
    }

    func run() async throws -> ExitCode {
        Terminal.output.write(line: "ovindex \(Tool.version)")
        Terminal.output.write(line: "OpenVINO \(Core.runtimeVersion)")
        Terminal.output.write(line: "SQLite \(Connection.libraryVersion)")
        return .success
    }
}
