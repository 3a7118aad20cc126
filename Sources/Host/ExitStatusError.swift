/// An error that knows how the process should end when it is not caught: every error type of ovindex's
/// modules conforms (a test checks), so that none falls through to a status chosen by accident.
public protocol ExitStatusError: Error {
    var exitStatus: ExitStatus { get }
}
