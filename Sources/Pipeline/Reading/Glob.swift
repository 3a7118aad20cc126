/// A path pattern as in .gitignore-style tools: `*` matches within one path segment, `**` across segments
/// (`**/` also matches no segment at all), `?` one character, `[abc]` / `[a-z]` / `[!x]` a character class.
/// Patterns without a `/` match the file name alone.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let characters: [Character]
    private let matchesNameOnly: Bool

    public init(_ pattern: String) {
        self.pattern = pattern
        characters = Array(pattern)
        matchesNameOnly = !pattern.contains("/")
    }

    public var description: String { pattern }

    /// Whether the pattern matches every path below `folder` (relative), at any depth: then nothing there can be
    /// selected, and the walk need not enter it. Checked with names no file has, at three depths: a pattern
    /// that matches them all has a wildcard for every segment (`build/**`, `**/drafts/**`, `*`).
    public func coversEverything(under folder: String) -> Bool {
        let probe = "\u{1}ovindex\u{1}"
        var path = folder
        for _ in 0..<3 {
            path += "/" + probe
            guard matches(path) else { return false }
        }
        return true
    }

    /// Whether `path` (relative, `/`-separated) matches.
    public func matches(_ path: String) -> Bool {
        let subject = matchesNameOnly ? String(path.split(separator: "/").last ?? "") : path
        return Self.match(characters[...], Array(subject)[...])
    }

    private static func match(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        var pattern = pattern
        var text = text
        while let first = pattern.first {
            switch first {
            case "*":
                if pattern.dropFirst().first == "*" {
                    var rest = pattern.dropFirst(2)
                    // "**/" may match nothing, or any number of whole segments.
                    if rest.first == "/" {
                        rest = rest.dropFirst()
                        if match(rest, text) { return true }
                        var index = text.startIndex
                        while let slash = text[index...].firstIndex(of: "/") {
                            if match(rest, text[(slash + 1)...]) { return true }
                            index = slash + 1
                        }
                        return false
                    }
                    for start in text.startIndex...text.endIndex where match(rest, text[start...]) {
                        return true
                    }
                    return false
                }
                let rest = pattern.dropFirst()
                var index = text.startIndex
                while true {
                    if match(rest, text[index...]) { return true }
                    guard index < text.endIndex, text[index] != "/" else { return false }
                    index += 1
                }
            case "?":
                guard let character = text.first, character != "/" else { return false }
                pattern = pattern.dropFirst()
                text = text.dropFirst()
            case "[":
                guard let character = text.first, character != "/",
                    let close = pattern.dropFirst().firstIndex(of: "]")
                else { return false }
                var set = pattern[(pattern.startIndex + 1)..<close]
                let negated = set.first == "!" || set.first == "^"
                if negated { set = set.dropFirst() }
                var found = false
                var index = set.startIndex
                while index < set.endIndex {
                    if index + 2 < set.endIndex, set[index + 1] == "-" {
                        if set[index] <= character && character <= set[index + 2] { found = true }
                        index += 3
                    } else {
                        if set[index] == character { found = true }
                        index += 1
                    }
                }
                guard found != negated else { return false }
                pattern = pattern[(close + 1)...]
                text = text.dropFirst()
            default:
                guard text.first == first else { return false }
                pattern = pattern.dropFirst()
                text = text.dropFirst()
            }
        }
        return text.isEmpty
    }
}
