/// Numbers, sizes, durations and snippets as ovindex's reports and tables print them: the one home of those
/// helpers, and none of them needs Foundation's `String(format:)`.
public enum Format {
    /// "812 B", "1.5 KB", "385.0 MB".
    public static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : fixed(value, 1) + " " + units[unit]
    }

    /// `value` rounded to `places` decimals (half away from zero), written with exactly that many: "3.10".
    public static func fixed(_ value: Double, _ places: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let negative = value < 0 && scaled > 0
        guard scaled < 1e18 else { return String(value) }
        let digits = String(UInt64(scaled))
        let padded = String(repeating: "0", count: max(0, places + 1 - digits.count)) + digits
        let whole = padded.dropLast(places)
        let text = places > 0 ? whole + "." + padded.suffix(places) : whole
        return (negative ? "-" : "") + text
    }

    /// `value` rounded to `places` decimals, as a number (for JSON reports).
    public static func rounded(_ value: Double, _ places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (value * scale).rounded() / scale
    }

    /// "01:02:03".
    public static func clock(_ seconds: Double) -> String {
        let total = Int(seconds)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return two(total / 3600) + ":" + two(total / 60 % 60) + ":" + two(total % 60)
    }

    /// The text on one line, whitespace runs collapsed, cut to `width` characters with "…".
    public static func snippet(_ text: String, _ width: Int) -> String {
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.count <= width ? words : words.prefix(width - 1) + "…"
    }

    /// The end of `text` when it is longer than `width` characters, "…" in front.
    public static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : "…" + text.suffix(width - 1)
    }

    /// `text` padded with spaces to `width` characters (longer text is left as it is).
    public static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// A field of a tab-separated line: backslash, tab, newline and carriage return escaped as \\, \t, \n, \r.
    public static func tabSeparatedField(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
