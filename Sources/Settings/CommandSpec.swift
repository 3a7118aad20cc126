/// Everything a command's parser and help are made from: its name, what it does, its usage lines, its option
/// table in sections, and its positional arguments.
public struct CommandSpec<Root>: Sendable {
    public var name: String
    /// One line for the list of commands.
    public var summary: String
    /// The usage lines after "Usage: " ("ovindex embed [FILE] [options]").
    public var usage: [String]
    /// What the command does, in paragraphs, printed between the usage and the options.
    public var discussion: String
    public var sections: [SettingSection<Root>]
    public var positionals: Positionals<Root>
    /// Printed after the options (notes that belong to no one option).
    public var footer: String

    public init(
        name: String, summary: String, usage: [String], discussion: String = "",
        sections: [SettingSection<Root>], positionals: Positionals<Root> = .none, footer: String = ""
    ) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.discussion = discussion
        self.sections = sections
        self.positionals = positionals
        self.footer = footer
    }

    /// Every entry, in help order.
    public var settings: [Setting<Root>] { sections.flatMap(\.settings) }
}
