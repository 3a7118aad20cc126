/// What `Store.check` found: nothing when the store is sound.
public struct StoreCheck: Sendable, Equatable {
    /// One line per problem, naming what is wrong and where.
    public var problems: [String]
    /// What was checked, for the report ("integrity", "vectors", ...).
    public var checked: [String]

    public var isSound: Bool { problems.isEmpty }

    public init(problems: [String], checked: [String]) {
        self.problems = problems
        self.checked = checked
    }

    /// The report as `store check` prints it: what was checked, each problem, the verdict.
    public func lines(store path: String) -> [String] {
        ["store      \(path)", "checked    \(checked.joined(separator: ", "))"]
            + problems.map { "problem    \($0)" } + [isSound ? "status     sound" : "status     \(problems.count) problems"]
    }
}
