import Embedding
import Host
import Settings
import Store

/// `ovindex version`: the versions of the tool and of the native libraries it runs on.
struct VersionCommand: Command {
    static let spec = CommandSpec<VersionCommand>(
        name: "version", summary: "Print the versions of ovindex, OpenVINO and SQLite", usage: ["version"],
        discussion: "Prints the ovindex version and the OpenVINO runtime and SQLite library this binary uses.",
        sections: [])

    func run() async throws -> ExitStatus {
        Terminal.output.write(line: "ovindex \(Tool.version)")
        Terminal.output.write(line: "OpenVINO \(Embedder.runtimeVersion)")
        Terminal.output.write(line: "SQLite \(Store.libraryVersion)")
        return .success
    }
}
