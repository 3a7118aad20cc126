/// How a process of ovindex ends, following BSD sysexits where one fits, so that scripts can tell failures
/// apart. `ovindex --help` lists these, from here.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    /// The command ran but reported a failure (rejected inputs without --skip-invalid, a store not ready).
    case failure = 1
    /// Wrong arguments (EX_USAGE).
    case usage = 64
    /// Invalid input data: bad UTF-8, bad JSON, a line over the limit, a file that is not a store (EX_DATAERR).
    case dataError = 65
    /// An input file does not exist or cannot be read (EX_NOINPUT).
    case noInput = 66
    /// The model or runtime cannot be used: missing model directory, load or compile failure (EX_UNAVAILABLE).
    case unavailable = 69
    /// An internal error: a bug (EX_SOFTWARE).
    case software = 70
    /// An output cannot be created where it was asked for: a store on a network file system, a publish target
    /// or a trace file in a folder that does not exist (EX_CANTCREAT).
    case cantCreate = 73
    /// Reading or writing failed: output, store (EX_IOERR).
    case ioError = 74
    /// Interrupted by SIGINT (128 + 2).
    case interrupted = 130
    /// Terminated by SIGTERM (128 + 15).
    case terminated = 143

    /// A few words for the list in `ovindex --help`.
    public var meaning: String {
        switch self {
        case .success: "ok"
        case .failure: "failed"
        case .usage: "usage"
        case .dataError: "invalid input or not a store"
        case .noInput: "missing input"
        case .unavailable: "model unavailable"
        case .software: "internal error"
        case .cantCreate: "cannot create the output (a network file system, a missing folder)"
        case .ioError: "I/O error"
        case .interrupted: "interrupted"
        case .terminated: "terminated"
        }
    }

    /// The status a failure ends the process with: what the error says of itself (`ExitStatusError`);
    /// `interrupted` for a cancellation; `software` for an error that does not say, which is a bug.
    public init(for error: any Error) {
        switch error {
        case let error as any ExitStatusError: self = error.exitStatus
        case is CancellationError: self = .interrupted
        default: self = .software
        }
    }
}
