/// One input text (or pair of texts) and where it came from.
public struct TextRecord: Sendable, Equatable {
    /// 1-based line number in the input.
    public var line: Int
    /// The record's id: the JSON Lines `id` field, or the line number.
    public var id: JSONValue
    public var text: String
    /// The second text of a pair (`pair` field in JSON Lines, after a tab in plain lines).
    public var pair: String?
    /// The whole JSON Lines object (nil for plain lines), for callers that read more fields.
    public var fields: JSONValue? = nil
}
