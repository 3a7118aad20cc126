public import Host

/// A problem with one input: the file (or stdin), the 1-based line when there is one, and what is wrong.
public struct TextInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var input: String
    public var line: Int?
    public var message: String

    public init(input: String, line: Int?, message: String) {
        self.input = input
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(input):\(line): \(message)" }
        return "\(input): \(message)"
    }
}

extension TextInputError: ExitStatusError {
    /// A file that cannot be opened is missing input; a bad line is bad data.
    public var exitStatus: ExitStatus { line == nil ? .noInput : .dataError }
}
