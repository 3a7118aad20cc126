import Embedding
import Export
import Models
import OpenVINO
import Pipeline
import Retrieval
import SQLite
import Store
import TextIO
import Tokenizer

/// The `ovindex` entry point: picks the subcommand, handles help, and turns errors into messages and exit codes.
enum Tool {
    static let version = "0.1.0"

    static var commands: [any Command.Type] {
        [
            RunCommand.self, QueryCommand.self, RerankCommand.self, EvalCommand.self, MergeCommand.self,
            EmbedCommand.self, ExportCommand.self, ModelsCommand.self, StatusCommand.self, StoreCommand.self,
            TokenizeCommand.self, VersionCommand.self,
        ]
    }

    static var usage: String {
        let width = commands.map { $0.name.count }.max() ?? 0
        let list = commands.map { command in
            "  " + command.name.padding(to: width) + "   " + command.summary
        }.joined(separator: "\n")
        return """
            ovindex \(version): batch vector indexing with OpenVINO and SQLite.

            Usage: ovindex <command> [options]

            Commands:
            \(list)

            Run 'ovindex <command> --help' for a command's options.
            Exit status: 0 ok, 1 failed, 64 usage, 65 invalid input or not a store, 66 missing input, 69 model unavailable,
            74 I/O error, 130/143 interrupted.
            """
    }

    static func main(_ argv: [String]) async -> Int32 {
        let arguments = Array(argv.dropFirst())
        guard let first = arguments.first else {
            Terminal.errors.write(line: usage)
            return ExitCode.usage.rawValue
        }
        switch first {
        case "-h", "--help", "help":
            if arguments.count > 1, let command = commands.first(where: { $0.name == arguments[1] }) {
                Terminal.output.write(line: command.help)
            } else {
                Terminal.output.write(line: usage)
            }
            return ExitCode.success.rawValue
        case "--version":
            Terminal.output.write(line: "ovindex \(version)")
            return ExitCode.success.rawValue
        default:
            break
        }
        guard let type = commands.first(where: { $0.name == first }) else {
            return report(UsageError(command: "", message: "unknown command '\(first)'"), command: nil)
        }
        var rest = Arguments(command: type.name, Array(arguments.dropFirst()))
        if rest.flag("-h", "--help") {
            Terminal.output.write(line: type.help)
            return ExitCode.success.rawValue
        }
        do {
            let command = try type.init(parsing: &rest)
            return try await command.run().rawValue
        } catch {
            return report(error, command: type.name)
        }
    }

    /// Prints `error` on stderr as "ovindex <command>: error: ..." and returns its exit status.
    static func report(_ error: any Error, command: String?) -> Int32 {
        let prefix = command.map { "ovindex \($0)" } ?? "ovindex"
        Terminal.errors.write(line: "\(prefix): error: \(error)")
        return exitCode(for: error).rawValue
    }

    static func exitCode(for error: any Error) -> ExitCode {
        switch error {
        case is UsageError: .usage
        case let error as CommandError: error.exitCode
        case let error as OpenVINOError: error.kind == .timedOut ? .failure : .unavailable
        case is ModelError, is TokenizerError: .unavailable
        case is DefinitionError, is ShardError: .usage
        case let error as QueryError:
            switch error {
            case .limit: .dataError
            case .setup: .failure
            }
        case let error as RunLockError:
            switch error.kind {
            case .busy: .failure
            case .io: .ioError
            case .notAStore: .dataError
            }
        case is SourceError: .noInput
        case let error as DocumentFailures: error.onlyIO ? .ioError : .failure
        case is InferenceStopped, is PruneRefused, is RunInvariantError: .failure
        case is RunStopped: .interrupted
        case is InjectedFault, is ExportError: .ioError
        case let error as PublishError: error.unusableTarget ? .cantCreate : .ioError
        case let error as EvaluationSetError: error.missing ? .noInput : .dataError
        case is FaultPlanError: .usage
        case let error as TextInputError: error.line == nil ? .noInput : .dataError
        case is SQLiteError: .ioError
        case let error as StoreError:
            switch error.kind {
            case .missing: .noInput
            case .notAStore, .newerSchema: .dataError
            case .modelMismatch: .failure
            case .invalidWrite: .software
            case .empty, .corrupt, .unsupported: .dataError
            case .database: .ioError
            case .networkFilesystem: .cantCreate
            }
        case is CancellationError: .interrupted
        default: .failure
        }
    }
}

/// A failure a command reports with a chosen exit status.
struct CommandError: Error, CustomStringConvertible {
    var exitCode: ExitCode
    var message: String

    init(_ exitCode: ExitCode, _ message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    var description: String { message }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
