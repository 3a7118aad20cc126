/// The arguments that are not options: how help names them, how many a command takes, and where they go.
public struct Positionals<Root>: Sendable {
    /// One line per argument for help: ("FILE", "texts to read; standard input when absent or '-'").
    public var help: [(name: String, text: String)]
    public var maximum: Int
    let assign: @Sendable (inout Root, [String]) -> Void

    /// - Parameter keyPath: receives every positional argument, in order.
    public init(
        maximum: Int, help: [(name: String, text: String)] = [], _ keyPath: WritableKeyPath<Root, [String]>
    ) {
        nonisolated(unsafe) let keyPath = keyPath
        self.help = help
        self.maximum = maximum
        assign = { root, values in root[keyPath: keyPath] = values }
    }

    /// At most one argument, into an optional property.
    public init(optional help: (name: String, text: String), _ keyPath: WritableKeyPath<Root, String?>) {
        nonisolated(unsafe) let keyPath = keyPath
        self.help = [help]
        maximum = 1
        assign = { root, values in root[keyPath: keyPath] = values.first }
    }

    /// None at all.
    public static var none: Positionals {
        Positionals(maximum: 0, assign: { _, _ in })
    }

    private init(maximum: Int, assign: @escaping @Sendable (inout Root, [String]) -> Void) {
        help = []
        self.maximum = maximum
        self.assign = assign
    }
}
