/// Builds JSON text into a byte buffer: the output side of JSON Lines, without intermediate strings.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    public mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// A string literal with JSON escapes (control characters as \u00XX; non-ASCII kept as UTF-8).
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func integer<T: BinaryInteger>(_ value: T) {
        raw(String(value))
    }

    /// The shortest decimal that reads back as the same Float; non-finite values become null.
    public mutating func float(_ value: Float) {
        if value.isFinite { raw(value.description) } else { raw("null") }
    }

    public mutating func double(_ value: Double) {
        if value.isFinite { raw(value.description) } else { raw("null") }
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): raw(flag ? "true" : "false")
        case .number(let literal): raw(literal)
        case .string(let text): string(text)
        case .array(let elements):
            byte(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                self.value(element)
            }
            byte(UInt8(ascii: "]"))
        case .object(let members):
            byte(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                string(key)
                byte(UInt8(ascii: ":"))
                self.value(members[key] ?? .null)
            }
            byte(UInt8(ascii: "}"))
        }
    }

    /// `"key": ` (with a leading comma unless `first`).
    public mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { raw(", ") }
        byte(UInt8(ascii: "\""))
        raw(name)
        raw("\": ")
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
