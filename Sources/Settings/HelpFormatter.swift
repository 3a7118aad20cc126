
/// Writes a command's help, and the Markdown reference, from its option table: what `--help` shows is what
/// the parser accepts.
public struct HelpFormatter<Root> {
    public let spec: CommandSpec<Root>
    /// Where defaults are read: a value as the command starts, before any option is applied.
    public let defaults: Root
    /// The column help texts start at, and the width lines are wrapped to.
    static var textColumn: Int { 25 }
    static var width: Int { 110 }

    public init(_ spec: CommandSpec<Root>, defaults: Root) {
        self.spec = spec
        self.defaults = defaults
    }

    /// `ovindex COMMAND --help`.
    public func text(program: String) -> String {
        var lines: [String] = []
        for (index, usage) in spec.usage.enumerated() {
            lines.append((index == 0 ? "Usage: " : "       ") + "\(program) \(usage)")
        }
        if !spec.discussion.isEmpty {
            lines.append("")
            lines.append(spec.discussion)
        }
        if !spec.positionals.help.isEmpty {
            lines.append("")
            lines.append("Arguments:")
            for argument in spec.positionals.help { lines += Self.entry(argument.name, argument.text) }
        }
        for section in spec.sections {
            let visible = section.settings.filter { !$0.isHidden }
            guard !visible.isEmpty else { continue }
            lines.append("")
            lines.append(section.title + ":")
            for setting in visible { lines += Self.entry(label(setting), describe(setting)) }
        }
        if !spec.footer.isEmpty {
            lines.append("")
            lines.append(spec.footer)
        }
        return lines.joined(separator: "\n")
    }

    /// "--requests N", "--quiet, -q".
    public func label(_ setting: Setting<Root>) -> String {
        setting.names.joined(separator: ", ") + (setting.placeholder.map { " " + $0 } ?? "")
    }

    /// The help text with what the table knows added: the range or choices, the default, whether it repeats.
    public func describe(_ setting: Setting<Root>) -> String {
        let notes = Self.notes(setting, defaults: defaults)
        return notes.isEmpty ? setting.help : setting.help + " (" + notes.joined(separator: "; ") + ")"
    }

    static func notes(_ setting: Setting<Root>, defaults: Root) -> [String] {
        var notes: [String] = []
        if case .choice(let values) = setting.domain {
            // Unless the help text already names every choice.
            if !values.allSatisfy({ setting.help.contains($0) }) {
                notes.append(values.count == 2 ? values.joined(separator: " or ") : values.joined(separator: ", "))
            }
        } else if let summary = setting.domain.summary {
            notes.append(summary)
        }
        if setting.isRequired { notes.append("required") }
        if let value = setting.defaultDescription(defaults) { notes.append("default " + value) }
        if setting.isRepeatable { notes.append("repeatable") }
        return notes
    }

    /// One entry: the label, then the text from `textColumn`, wrapped (a label too long for its column puts
    /// the text after one space).
    static func entry(_ label: String, _ text: String) -> [String] {
        var first = "  " + label
        first += first.count < textColumn - 1 ? String(repeating: " ", count: textColumn - first.count) : " "
        return HelpText.wrap(text, width: width, first: first, indent: String(repeating: " ", count: textColumn))
    }

    // MARK: - Markdown

    /// The command's section of the reference (`docs/cli.md`): usage, discussion, a table of its options.
    public func markdown(program: String) -> String {
        var lines = ["## \(spec.name)", "", spec.summary + ".", "", "```"]
        for usage in spec.usage { lines.append("\(program) \(usage)") }
        lines.append("```")
        if !spec.discussion.isEmpty { lines += ["", "```text", spec.discussion, "```"] }
        if !spec.positionals.help.isEmpty {
            lines += ["", "| argument | description |", "| --- | --- |"]
            for argument in spec.positionals.help {
                lines.append("| `\(argument.name)` | \(Self.cell(argument.text)) |")
            }
        }
        for section in spec.sections {
            let visible = section.settings.filter { !$0.isHidden }
            guard !visible.isEmpty else { continue }
            lines += ["", "**\(section.title)**", "", "| option | value | default | description |", "| --- | --- | --- | --- |"]
            for setting in visible {
                let names = setting.names.map { "`\($0)`" }.joined(separator: ", ")
                lines.append(
                    "| \(names) | \(Self.cell(Self.value(setting))) | \(Self.cell(setting.defaultDescription(defaults) ?? "")) | "
                        + "\(Self.cell(setting.help)) |")
            }
        }
        if !spec.footer.isEmpty { lines += ["", spec.footer] }
        return lines.joined(separator: "\n")
    }

    /// A table of definition fields: key, the command-line flag that overrides it, value, default, text.
    public static func markdownFields(_ settings: [Setting<Root>], defaults: Root) -> String {
        var lines = ["| field | flag | value | default | description |", "| --- | --- | --- | --- | --- |"]
        for setting in settings where setting.key != nil {
            let flag = setting.names.first.map { "`\($0)`" } ?? ""
            lines.append(
                "| `\(setting.key ?? "")` | \(flag) | \(cell(value(setting))) | "
                    + "\(cell(setting.defaultDescription(defaults) ?? "")) | \(cell(setting.help)) |")
        }
        return lines.joined(separator: "\n")
    }

    static func value(_ setting: Setting<Root>) -> String {
        var value: String
        switch setting.domain {
        case .flag: value = "flag"
        case .text, .path, .texts: value = setting.placeholder ?? "text"
        case .integer, .number, .seconds, .choice, .choices:
            value = (setting.placeholder.map { $0 + ": " } ?? "") + (setting.domain.summary ?? "")
        case .custom(let description): value = (setting.placeholder.map { $0 + ": " } ?? "") + description
        }
        if setting.isRequired { value += ", required" }
        if setting.isRepeatable { value += ", repeatable" }
        return value
    }

    /// Text for a table cell, on one line, shown as written: backslashes, pipes, asterisks (globs are not
    /// emphasis) and angle brackets ("first<TAB>second" is not an HTML tag) escaped.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "*", with: "\\*").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\n", with: " ")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
