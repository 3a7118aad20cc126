/// Builds JSON text into a byte buffer, without intermediate strings: the one way ovindex writes JSON.
///
/// Objects and arrays are written through closures, so that separators and brackets are always right:
///
///     writer.object { line in
///         line.field("id", 7)
///         line.field("scores") { $0.array(scores) { $0.float($1) } }
///     }
///
/// Members and elements are separated by ", " and keys by ": ". `value(_:)` writes a `JSONValue` in its
/// canonical compact form (keys sorted, no spaces): metadata is hashed and stored in that form, so it must
/// never change.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    /// Members or elements written so far in each open object or array, innermost last.
    private var written: [Int] = []

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer, keeping its memory (one writer reused for every line of a stream).
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        written.removeAll(keepingCapacity: true)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: - Containers

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        written.append(0)
        body(&self)
        written.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// A member of the object being written: its key, then whatever `body` writes as its value.
    public mutating func field(_ name: String, _ body: (inout JSONWriter) -> Void) {
        separate()
        string(name)
        append(": ")
        body(&self)
    }

    public mutating func array<S: Sequence>(_ elements: S, _ element: (inout JSONWriter, S.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        written.append(0)
        for item in elements {
            separate()
            element(&self, item)
        }
        written.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// A vector: the hot path of `embed` and `export`.
    public mutating func array(_ values: [Float]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { append(", ") }
            float(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func newline() {
        bytes.append(0x0A)
    }

    // MARK: - Values

    public mutating func null() {
        append("null")
    }

    public mutating func bool(_ flag: Bool) {
        append(flag ? "true" : "false")
    }

    /// A string literal with JSON escapes (control characters as \u00XX; non-ASCII kept as UTF-8).
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0..<0x20:
                append("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func integer<T: BinaryInteger>(_ value: T) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// The shortest decimal that reads back as the same Float; non-finite values become null.
    public mutating func float(_ value: Float) {
        if value.isFinite { bytes.append(contentsOf: value.description.utf8) } else { null() }
    }

    public mutating func double(_ value: Double) {
        if value.isFinite { bytes.append(contentsOf: value.description.utf8) } else { null() }
    }

    /// A value tree in canonical compact form: keys sorted, no spaces, numbers as their literal text.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let literal): bytes.append(contentsOf: literal.utf8)
        case .string(let text): string(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                string(key)
                bytes.append(UInt8(ascii: ":"))
                self.value(members[key] ?? .null)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Text that is JSON already (metadata as the store keeps it), written as it is.
    public mutating func encoded(_ json: String) {
        bytes.append(contentsOf: json.utf8)
    }

    // MARK: - Members of one value

    public mutating func field(_ name: String, _ text: String) { field(name) { $0.string(text) } }
    public mutating func field(_ name: String, _ text: String?) { field(name) { w in text.map { w.string($0) } ?? w.null() } }
    public mutating func field(_ name: String, _ value: Int) { field(name) { $0.integer(value) } }
    public mutating func field(_ name: String, _ value: Int64) { field(name) { $0.integer(value) } }
    public mutating func field(_ name: String, _ value: Float) { field(name) { $0.float(value) } }
    public mutating func field(_ name: String, _ value: Double) { field(name) { $0.double(value) } }
    public mutating func field(_ name: String, _ flag: Bool) { field(name) { $0.bool(flag) } }
    public mutating func field(_ name: String, _ value: JSONValue) { field(name) { $0.value(value) } }
    public mutating func field(_ name: String, _ values: [Float]) { field(name) { $0.array(values) } }

    // MARK: - Private

    private mutating func separate() {
        guard let count = written.last else { return }
        if count > 0 { append(", ") }
        written[written.count - 1] = count + 1
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

extension JSONWriter {
    /// `text` as a JSON string literal (for a message or a setting that holds one).
    public static func quoted(_ text: String) -> String {
        var writer = JSONWriter()
        writer.string(text)
        return writer.text
    }

    /// `value` in canonical compact form (`value(_:)`).
    public static func canonical(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.value(value)
        return writer.text
    }
}
