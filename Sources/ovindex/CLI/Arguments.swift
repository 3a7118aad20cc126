/// A command's arguments, consumed by name: options anywhere on the line, then positionals.
///
/// Options take `--name value` or `--name=value`; flags take `--name`. Whatever is left must be positional:
/// an unconsumed `-x`/`--x` is an unknown option. `--` ends options; `-` alone is a positional (stdin).
struct Arguments {
    private var items: [String]
    private var afterDashDash: [String]
    let command: String

    init(command: String, _ arguments: [String]) {
        self.command = command
        if let split = arguments.firstIndex(of: "--") {
            items = Array(arguments[..<split])
            afterDashDash = Array(arguments[(split + 1)...])
        } else {
            items = arguments
            afterDashDash = []
        }
    }

    /// Whether any of `names` is present (and removes it).
    mutating func flag(_ names: String...) -> Bool {
        var found = false
        items.removeAll { item in
            if names.contains(item) {
                found = true
                return true
            }
            return false
        }
        return found
    }

    /// The value of the last occurrence of any of `names`, or nil.
    mutating func option(_ names: String...) throws(UsageError) -> String? {
        var value: String?
        var index = 0
        while index < items.count {
            let item = items[index]
            if names.contains(item) {
                guard index + 1 < items.count else {
                    throw UsageError(command: command, message: "\(item) needs a value")
                }
                value = items[index + 1]
                items.removeSubrange(index...(index + 1))
            } else if let name = names.first(where: { item.hasPrefix($0 + "=") }) {
                value = String(item.dropFirst(name.count + 1))
                items.remove(at: index)
            } else {
                index += 1
            }
        }
        return value
    }

    /// Every value given for any of `names` (repeatable options such as `--filter`).
    mutating func options(_ names: String...) throws(UsageError) -> [String] {
        var values: [String] = []
        var index = 0
        while index < items.count {
            let item = items[index]
            if names.contains(item) {
                guard index + 1 < items.count else {
                    throw UsageError(command: command, message: "\(item) needs a value")
                }
                values.append(items[index + 1])
                items.removeSubrange(index...(index + 1))
            } else if let name = names.first(where: { item.hasPrefix($0 + "=") }) {
                values.append(String(item.dropFirst(name.count + 1)))
                items.remove(at: index)
            } else {
                index += 1
            }
        }
        return values
    }

    /// An option parsed by `parse`; a value it rejects is a usage error naming the option and `expected`.
    mutating func option<T>(
        _ name: String, expected: String, _ parse: (String) -> T?
    ) throws(UsageError) -> T? {
        guard let raw = try option(name) else { return nil }
        guard let value = parse(raw) else {
            throw UsageError(command: command, message: "\(name) expects \(expected), got '\(raw)'")
        }
        return value
    }

    /// An integer option within `range`.
    mutating func integer(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        try option(name, expected: "an integer from \(range.lowerBound) to \(range.upperBound)") { raw in
            Int(raw).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// A duration option in seconds (fractions allowed), within `range`.
    mutating func seconds(_ name: String, in range: ClosedRange<Double>) throws(UsageError) -> Duration? {
        try option(name, expected: "seconds from \(range.lowerBound) to \(range.upperBound)") { raw in
            Double(raw).flatMap { range.contains($0) ? Duration.milliseconds(Int64($0 * 1000)) : nil }
        }
    }

    /// An option whose value must be one of an enum's raw values.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws(UsageError) -> T?
    where T.RawValue == String {
        try option(name, expected: "one of " + T.allCases.map(\.rawValue).joined(separator: ", ")) { T(rawValue: $0) }
    }

    /// The remaining arguments, which must all be positional. Throws on any unknown option.
    mutating func positionals(max: Int) throws(UsageError) -> [String] {
        if let unknown = items.first(where: { $0.hasPrefix("-") && $0 != "-" }) {
            throw UsageError(command: command, message: "unknown option '\(unknown)'")
        }
        let all = items + afterDashDash
        guard all.count <= max else {
            throw UsageError(
                command: command,
                message: max == 0
                    ? "unexpected argument '\(all[0])'" : "too many arguments: \(all.joined(separator: " "))")
        }
        items = []
        afterDashDash = []
        return all
    }
}

/// A mistake on the command line: exit status 64, with a pointer to the command's help.
struct UsageError: Error, CustomStringConvertible {
    var command: String
    var message: String

    var description: String {
        let helpCommand = command.isEmpty ? "ovindex --help" : "ovindex \(command) --help"
        return "\(message)\nRun '\(helpCommand)' for usage."
    }
}
