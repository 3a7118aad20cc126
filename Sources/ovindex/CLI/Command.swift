import Host
import Settings

/// One `ovindex` subcommand: its option table, which the parser, `--help` and docs/cli.md all read, and what
/// it does with the values.
protocol Command {
    static var spec: CommandSpec<Self> { get }

    /// The command before any option is applied: every property at its default (help reads the defaults here).
    init()

    /// Checks what no single entry can: options that need one another, the positional arguments.
    mutating func validate() throws(UsageError)

    /// Runs the command and returns how the process ends.
    func run() async throws -> ExitStatus
}

extension Command {
    mutating func validate() throws(UsageError) {}

    /// Parses `arguments` (after the command's name) into a new command.
    static func parse(_ arguments: [String]) throws(UsageError) -> Self {
        var command = Self()
        try ArgumentParser(spec).parse(arguments, into: &command)
        try command.validate()
        return command
    }

    static var name: String { spec.name }
    static var summary: String { spec.summary }

    /// Parses `arguments` (after the command's name), runs the command, and returns the process's exit status,
    /// reporting a failure on stderr.
    static func main(_ arguments: [String]) async -> Int32 {
        do {
            let command = try parse(arguments)
            return try await command.run().rawValue
        } catch {
            return Tool.report(error, command: name)
        }
    }

    /// `ovindex NAME --help`.
    static var help: String { HelpFormatter(spec, defaults: Self()).text(program: Tool.program) }

    /// This command's section of docs/cli.md.
    static var reference: String { HelpFormatter(spec, defaults: Self()).markdown(program: Tool.program) }
}
