import Embedding
import TextIO
import Tokenizer
import Models

/// `ovindex tokenize`: shows the tokens a model sees, in Hugging Face's terms (ids, tokens, offsets).
struct TokenizeCommand: Command {
    static let name = "tokenize"
    static let summary = "Print the token ids, tokens and offsets of texts (JSON Lines)"
    static let help = """
        Usage: ovindex tokenize [FILE] [--model DIR|NAME] [--pair] [--max-length N] [--jsonl] [--skip-invalid]

        Tokenizes each text with the model's WordPiece tokenizer and prints one JSON line per text:
          {"id": ..., "ids": [...], "tokens": [...], "offsets": [[start, end], ...]}
        with "type_ids" added for pairs. Offsets count Unicode scalars, as Hugging Face `tokenizers` reports
        them; special tokens have [0, 0]. Texts are not truncated unless --max-length is given.

        Options:
          --model DIR|NAME       model directory or name under data/models (default: all-MiniLM-L6-v2)
          --pair                 encode pairs: "pair" field in JSON Lines, or "first<TAB>second" per line
          --max-length N         truncate to N tokens, special tokens included (pairs: longest first)

        """ + InputOptions.help

    var model: String?
    var pair: Bool
    var maximumLength: Int?
    var input: InputOptions

    init(parsing arguments: inout Arguments) throws(UsageError) {
        model = try arguments.option("--model")
        pair = arguments.flag("--pair")
        maximumLength = try arguments.integer("--max-length", in: 2...1_000_000)
        input = try InputOptions(parsing: &arguments)
        input.path = try arguments.positionals(max: 1).first
    }

    func run() async throws -> ExitCode {
        let directory = try ModelDirectory.resolve(model)
        let tokenizer = try BertTokenizer(directory: directory.path)
        let reader = try input.makeReader(pairs: pair)
        let output = Terminal.output
        var json = JSONWriter(capacity: 4096)
        let skipped = try await input.forEachRecord(reader, command: Self.name) { record in
            let encoding =
                if let second = record.pair {
                    tokenizer.encode(record.text, pair: second, maxLength: maximumLength)
                } else {
                    tokenizer.encode(record.text, maxLength: maximumLength)
                }
            json.removeAll()
            json.byte(UInt8(ascii: "{"))
            json.key("id", first: true)
            json.value(record.id)
            json.key("ids")
            Self.array(encoding.ids, into: &json) { $0.integer($1) }
            json.key("tokens")
            Self.array(encoding.ids, into: &json) { $0.string(tokenizer.token(for: $1)) }
            json.key("offsets")
            Self.array(encoding.offsets, into: &json) { writer, offset in
                writer.byte(UInt8(ascii: "["))
                writer.integer(offset.start)
                writer.raw(", ")
                writer.integer(offset.end)
                writer.byte(UInt8(ascii: "]"))
            }
            if record.pair != nil {
                json.key("type_ids")
                Self.array(encoding.typeIDs, into: &json) { $0.integer($1) }
            }
            json.raw("}\n")
            output.append(json.bytes)
        }
        if skipped > 0 { Terminal.errors.write(line: "ovindex \(Self.name): \(skipped) invalid lines skipped") }
        return .success
    }

    static func array<T>(_ values: [T], into json: inout JSONWriter, _ element: (inout JSONWriter, T) -> Void) {
        json.byte(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { json.raw(", ") }
            element(&json, value)
        }
        json.byte(UInt8(ascii: "]"))
    }
}
