import Host
public import TextIO

/// How one kind of value is read from the command line and from a definition, written back to JSON, and shown
/// as a default in help.
public struct ValueCodec<Value>: Sendable {
    public let domain: SettingDomain
    let parse: @Sendable (String) -> Value?
    let decode: @Sendable (JSONValue) -> Value?
    let encode: @Sendable (Value) -> JSONValue
    let show: @Sendable (Value) -> String
    /// Why a text is not a value, in the value's own words, when it can say more than `domain` does.
    let reason: @Sendable (String) -> String?

    public init(
        domain: SettingDomain, parse: @escaping @Sendable (String) -> Value?,
        decode: @escaping @Sendable (JSONValue) -> Value?, encode: @escaping @Sendable (Value) -> JSONValue,
        show: @escaping @Sendable (Value) -> String, reason: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.domain = domain
        self.parse = parse
        self.decode = decode
        self.encode = encode
        self.show = show
        self.reason = reason
    }
}

extension ValueCodec where Value == Int {
    public static func integer(_ range: ClosedRange<Int>) -> Self {
        ValueCodec(
            domain: .integer(range), parse: { Int($0).flatMap { range.contains($0) ? $0 : nil } },
            decode: { $0.intValue.flatMap { range.contains($0) ? $0 : nil } }, encode: { .number(String($0)) },
            show: { String($0) })
    }
}

extension ValueCodec where Value == Double {
    public static func number(_ range: ClosedRange<Double>) -> Self {
        ValueCodec(
            domain: .number(range), parse: { Double($0).flatMap { range.contains($0) ? $0 : nil } },
            decode: { $0.doubleValue.flatMap { range.contains($0) ? $0 : nil } }, encode: { .number(String($0)) },
            show: { SettingDomain.plain($0) })
    }

    /// Seconds as a number (a definition's timeouts).
    public static func seconds(_ range: ClosedRange<Double>) -> Self {
        let number = Self.number(range)
        return ValueCodec(
            domain: .seconds(range), parse: number.parse, decode: number.decode, encode: number.encode,
            show: number.show)
    }
}

extension ValueCodec where Value == Duration {
    /// Seconds, fractions allowed, kept to the millisecond.
    public static func seconds(_ range: ClosedRange<Double>) -> Self {
        @Sendable func duration(_ seconds: Double?) -> Duration? {
            seconds.flatMap { range.contains($0) ? Duration.milliseconds(Int64($0 * 1000)) : nil }
        }
        return ValueCodec(
            domain: .seconds(range), parse: { duration(Double($0)) }, decode: { duration($0.doubleValue) },
            encode: { .number(String($0.seconds)) }, show: { SettingDomain.plain($0.seconds) })
    }
}

extension ValueCodec where Value == Bool {
    public static var boolean: Self {
        ValueCodec(
            domain: .flag, parse: { ["true": true, "false": false][$0] },
            decode: {
                if case .bool(let flag) = $0 { return flag }
                return nil
            }, encode: { .bool($0) }, show: { $0 ? "true" : "false" })
    }
}

extension ValueCodec where Value == String {
    public static var text: Self {
        ValueCodec(domain: .text, parse: { $0 }, decode: { $0.stringValue }, encode: { .string($0) }, show: { $0 })
    }
}

extension ValueCodec where Value == String {
    /// A path: any text but the empty one (which would name the current directory).
    public static var path: Self {
        let nonEmpty: @Sendable (String) -> String? = { $0.isEmpty ? nil : $0 }
        return ValueCodec(
            domain: .path, parse: nonEmpty, decode: { $0.stringValue.flatMap(nonEmpty) }, encode: { .string($0) },
            show: { $0 })
    }
}

extension ValueCodec where Value == [String] {
    public static var texts: Self {
        ValueCodec(
            domain: .texts, parse: { [$0] },
            decode: { value in
                guard case .array(let elements) = value else { return nil }
                let strings = elements.compactMap(\.stringValue)
                return strings.count == elements.count ? strings : nil
            }, encode: { .array($0.map(JSONValue.string)) }, show: { $0.joined(separator: ", ") })
    }
}

extension ValueCodec where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    /// One of an enumeration's raw values, listed in its declaration order.
    public static var choice: Self { choice(among: Array(Value.allCases)) }

    /// One of `allowed`, by raw value (a command that takes only some of an enumeration's cases).
    public static func choice(among allowed: [Value]) -> Self {
        let values = allowed.map(\.rawValue)
        let parse: @Sendable (String) -> Value? = { values.contains($0) ? Value(rawValue: $0) : nil }
        return ValueCodec(
            domain: .choice(values), parse: parse, decode: { $0.stringValue.flatMap(parse) },
            encode: { .string($0.rawValue) }, show: { $0.rawValue })
    }
}

extension ValueCodec {
    /// A value with a form of its own (`--shard 2/8`), described in words for help; the error `parse` throws
    /// says why a text is not a value.
    public static func custom(
        _ description: String, parse: @escaping @Sendable (String) throws -> Value,
        format: @escaping @Sendable (Value) -> String
    ) -> Self {
        let value: @Sendable (String) -> Value? = { try? parse($0) }
        return ValueCodec(
            domain: .custom(description), parse: value, decode: { $0.stringValue.flatMap(value) },
            encode: { .string(format($0)) }, show: format,
            reason: { text in
                do {
                    _ = try parse(text)
                    return nil
                } catch {
                    return "\(error)"
                }
            })
    }
}
