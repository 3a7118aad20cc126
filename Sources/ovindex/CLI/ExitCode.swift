/// Exit statuses, following BSD sysexits where one fits, so scripts can tell failures apart.
enum ExitCode: Int32 {
    case success = 0
    /// The command ran but reported a failure (for example, rejected inputs without --skip-invalid).
    case failure = 1
    /// Wrong arguments (EX_USAGE).
    case usage = 64
    /// Invalid input data: bad UTF-8, bad JSON, a line over the limit (EX_DATAERR).
    case dataError = 65
    /// An input file does not exist or cannot be read (EX_NOINPUT).
    case noInput = 66
    /// The model or runtime cannot be used: missing model directory, load or compile failure (EX_UNAVAILABLE).
    case unavailable = 69
    /// An unexpected internal error (EX_SOFTWARE).
    case software = 70
    /// A store cannot be written where it was asked for: a network file system (EX_CANTCREAT).
    case cantCreate = 73
    /// Reading or writing failed: output, store (EX_IOERR).
    case ioError = 74
    /// Interrupted by SIGINT (128 + 2).
    case interrupted = 130
    /// Terminated by SIGTERM (128 + 15).
    case terminated = 143
}
