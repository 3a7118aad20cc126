/// The values a setting accepts: what help and the generated reference show, and what an error says was
/// expected.
public enum SettingDomain: Sendable, Equatable {
    /// Present or not on the command line; `true` or `false` in a definition.
    case flag
    case text
    /// A file or folder (never empty: an empty path would be the current directory).
    case path
    /// A list of strings (a repeatable option; a JSON array of strings).
    case texts
    case integer(ClosedRange<Int>)
    case number(ClosedRange<Double>)
    /// A duration in seconds, fractions allowed.
    case seconds(ClosedRange<Double>)
    case choice([String])
    /// Several of the choices, comma-separated, each at most once.
    case choices([String])
    /// Another form, described in words ("INDEX/COUNT, e.g. 0/4").
    case custom(String)

    /// What a command-line value must be: "an integer from 1 to 64", "one of auto, f32, bf16".
    public var expectedArgument: String {
        switch self {
        case .flag: "no value"
        case .text: "a value"
        case .path: "a path"
        case .texts: "a non-empty value"
        case .integer(let range): "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .number(let range): "a number from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound))"
        case .seconds(let range): "seconds from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound))"
        case .choice(let values): "one of " + values.joined(separator: ", ")
        case .choices(let values): "a comma-separated list of " + values.joined(separator: ", ") + ", each at most once"
        case .custom(let description): description
        }
    }

    /// What a definition's JSON value must be, after "must be": "an integer from 1 to 64", "true or false".
    public var expectedJSON: String {
        switch self {
        case .flag: "true or false"
        case .text: "a string"
        case .path: "a non-empty string"
        case .texts: "an array of strings"
        case .integer(let range): "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .number(let range), .seconds(let range):
            "a number from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound))"
        case .choice(let values): "one of " + values.joined(separator: ", ")
        case .choices(let values): "a comma-separated list of " + values.joined(separator: ", ")
        case .custom(let description): description
        }
    }

    /// The range or choices in short, for help and the reference ("1 to 64"); nil when there is nothing to say.
    public var summary: String? {
        switch self {
        case .flag, .text, .path, .texts, .custom: nil
        case .integer(let range): "\(range.lowerBound) to \(range.upperBound)"
        case .number(let range), .seconds(let range): "\(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound))"
        case .choice(let values): values.joined(separator: ", ")
        case .choices(let values): "comma-separated: " + values.joined(separator: ", ")
        }
    }

    /// 30 rather than 30.0; 0.001 as it is.
    static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
