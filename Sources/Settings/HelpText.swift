/// Text laid out for a terminal.
public enum HelpText {
    /// `text`'s words in lines of at most `width` characters: the first after `first`, the others after
    /// `indent` (a word longer than a line stands alone).
    public static func wrap(_ text: String, width: Int = 110, first: String = "", indent: String = "") -> [String] {
        var lines: [String] = []
        var line = first
        var lineIsEmpty = true
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !lineIsEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
                lineIsEmpty = true
            }
            line += (lineIsEmpty ? "" : " ") + word
            lineIsEmpty = false
        }
        lines.append(line)
        return lines
    }
}
