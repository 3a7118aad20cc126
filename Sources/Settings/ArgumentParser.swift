/// Reads a command line into a value by its option table.
///
/// Options take `--name value` or `--name=value` and may come anywhere on the line; flags take `--name`. The last
/// value of an option wins, except for repeatable options, which keep every value in order. `--` ends the
/// options; `-` alone is a positional argument (standard input). An option the table does not have is an error
/// naming it.
public struct ArgumentParser<Root> {
    private let spec: CommandSpec<Root>
    private let byName: [String: Setting<Root>]

    public init(_ spec: CommandSpec<Root>) {
        self.spec = spec
        var byName: [String: Setting<Root>] = [:]
        for setting in spec.settings {
            for name in setting.names {
                precondition(byName[name] == nil, "\(spec.name): the option \(name) is in its table twice")
                byName[name] = setting
            }
        }
        self.byName = byName
    }

    /// Applies `arguments` (after the command's name) to `root`.
    ///
    /// - Throws: `UsageError` naming an unknown option, an option without its value, a value out of its
    ///   domain, a missing required option, or extra arguments.
    public func parse(_ arguments: [String], into root: inout Root) throws(UsageError) {
        var positionals: [String] = []
        var given = Set<String>()
        var index = arguments.startIndex
        var optionsEnded = false
        while index < arguments.endIndex {
            let item = arguments[index]
            index += 1
            if optionsEnded || item == "-" || !item.hasPrefix("-") {
                positionals.append(item)
                continue
            }
            if item == "--" {
                optionsEnded = true
                continue
            }
            var setting = byName[item]
            var inline: String?
            if setting == nil, let equals = item.firstIndex(of: "="),
                let named = byName[String(item[..<equals])], named.takesValue
            {
                setting = named
                inline = String(item[item.index(after: equals)...])
            }
            if setting == nil, let equals = item.firstIndex(of: "="), let flag = byName[String(item[..<equals])] {
                throw UsageError("\(flag.name) takes no value, got '\(item)'")
            }
            guard let setting else { throw UsageError("unknown option '\(item)'") }
            let name = inline == nil ? item : String(item[..<(item.firstIndex(of: "=") ?? item.endIndex)])
            var value: String?
            if setting.takesValue {
                if let inline {
                    value = inline
                } else {
                    guard index < arguments.endIndex else { throw UsageError("\(name) needs a value") }
                    value = arguments[index]
                    index += 1
                }
            }
            guard let assign = setting.assignment(argument: value) else {
                if let value, let reason = setting.rejection(of: value) { throw UsageError("\(name): \(reason)") }
                throw UsageError("\(name) expects \(setting.domain.expectedArgument), got '\(value ?? "")'")
            }
            assign(&root)
            given.insert(setting.name)
        }
        if let missing = spec.settings.first(where: { $0.isRequired && !given.contains($0.name) }) {
            throw UsageError("\(missing.name) \(missing.placeholder ?? "") is required")
        }
        guard positionals.count <= spec.positionals.maximum else {
            throw UsageError(
                spec.positionals.maximum == 0
                    ? "unexpected argument '\(positionals[0])'"
                    : "too many arguments: \(positionals.joined(separator: " "))")
        }
        spec.positionals.assign(&root, positionals)
    }
}
