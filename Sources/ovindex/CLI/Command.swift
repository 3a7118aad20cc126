/// One `ovindex` subcommand: parses its own arguments, then runs.
protocol Command {
    /// The word users type: `ovindex <name>`.
    static var name: String { get }
    /// One line for the command list in `ovindex --help`.
    static var summary: String { get }
    /// The whole `ovindex <name> --help` text.
    static var help: String { get }

    /// Parses the arguments after the command name. `--help` is handled before this is called.
    init(parsing arguments: inout Arguments) throws(UsageError)

    /// Runs the command and returns the exit status.
    func run() async throws -> ExitCode
}
