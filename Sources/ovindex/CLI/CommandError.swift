import Host
import Settings

/// A failure a command reports with a status of its own choosing.
struct CommandError: ExitStatusError, CustomStringConvertible {
    var exitStatus: ExitStatus
    var message: String

    init(_ exitStatus: ExitStatus, _ message: String) {
        self.exitStatus = exitStatus
        self.message = message
    }

    var description: String { message }
}
