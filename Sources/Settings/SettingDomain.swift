/// The values a setting accepts: what help and the generated reference show, and what an error says was
/// expected.
public enum SettingDomain: Sendable, Equatable {
    /// Present or not on the command line; `true` or `false` in a definition.
    case flag
    case text
    /// A list of strings (a repeatable option; a JSON array of strings).
    case texts
    case integer(ClosedRange<Int>)
    case number(ClosedRange<Double>)
    /// A duration in seconds, fractions allowed.
    case seconds(ClosedRange<Double>)
    case choice([String])
    /// Another form, described in words ("INDEX/COUNT, e.g. 0/4").
    case custom(String)

    /// What a command-line value must be: "an integer from 1 to 64", "one of auto, f32, bf16".
    public var expectedArgument: String {
        switch self {
        case .flag: "no value"
        case .text, .texts: "a value"
        case .integer(let range): "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .number(let range): "a number from \(range.lowerBound) to \(range.upperBound)"
        case .seconds(let range): "seconds from \(range.lowerBound) to \(range.upperBound)"
        case .choice(let values): "one of " + values.joined(separator: ", ")
        case .custom(let description): description
        }
    }

    /// What a definition's JSON value must be, after "must be": "an integer from 1 to 64", "true or false".
    public var expectedJSON: String {
        switch self {
        case .flag: "true or false"
        case .text: "a string"
        case .texts: "an array of strings"
        case .integer(let range): "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .number(let range), .seconds(let range): "a number from \(range.lowerBound) to \(range.upperBound)"
        case .choice(let values): "one of " + values.joined(separator: ", ")
        case .custom(let description): description
        }
    }

    /// The range or choices in short, for help and the reference ("1 to 64"); nil when there is nothing to say.
    public var summary: String? {
        switch self {
        case .flag, .text, .texts, .custom: nil
        case .integer(let range): "\(range.lowerBound) to \(range.upperBound)"
        case .number(let range), .seconds(let range): "\(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound))"
        case .choice(let values): values.joined(separator: ", ")
        }
    }

    /// 30 rather than 30.0; 0.001 as it is.
    static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
