import Host
import Models
import Settings
import TextIO
import Tokenizer

/// `ovindex tokenize`: shows the tokens a model sees, in Hugging Face's terms (ids, tokens, offsets).
struct TokenizeCommand: Command {
    static let spec = CommandSpec<TokenizeCommand>(
        name: "tokenize", summary: "Print the token ids, tokens and offsets of texts (JSON Lines)",
        usage: ["tokenize [FILE] [--model DIR|NAME] [--pair] [--max-length N] [--jsonl] [--skip-invalid]"],
        discussion: """
            Tokenizes each text with the model's WordPiece tokenizer and prints one JSON line per text:
              {"id": ..., "ids": [...], "tokens": [...], "offsets": [[start, end], ...]}
            with "type_ids" added for pairs. Offsets count Unicode scalars, as Hugging Face `tokenizers` reports
            them; special tokens have [0, 0]. Texts are not truncated unless --max-length is given.
            """,
        sections: [
            SettingSection(
                "Options",
                [
                    ModelOptions.model(\.model),
                    .flag(
                        "--pair", help: "encode pairs: \"pair\" field in JSON Lines, or \"first<TAB>second\" per line",
                        \.pair),
                    .option(
                        "--max-length", value: "N", .integer(2...1_000_000),
                        help: "truncate to N tokens, special tokens included (pairs: longest first)", \.maximumLength),
                ]),
            InputOptions.section.lifted(\.input),
        ],
        positionals: Positionals(optional: InputOptions.file, \.input.path))

    var model: String?
    var pair = false
    var maximumLength: Int?
    var input = InputOptions()

    func run() async throws -> ExitStatus {
        let directory = try ModelDirectory.resolve(model)
        let tokenizer = try BertTokenizer(directory: directory.path)
        let reader = try input.makeReader(pairs: pair)
        var json = JSONWriter(capacity: 4096)
        let skipped = try await input.forEachRecord(reader, command: Self.spec.name) { record in
            let encoding =
                if let second = record.pair {
                    tokenizer.encode(record.text, pair: second, maxLength: maximumLength)
                } else {
                    tokenizer.encode(record.text, maxLength: maximumLength)
                }
            json.removeAll()
            json.object { line in
                line.field("id", record.id)
                line.field("ids") { $0.array(encoding.ids) { $0.integer($1) } }
                line.field("tokens") { $0.array(encoding.ids) { $0.string(tokenizer.token(for: $1)) } }
                line.field("offsets") { offsets in
                    offsets.array(encoding.offsets) { writer, offset in
                        writer.array([offset.start, offset.end]) { $0.integer($1) }
                    }
                }
                if record.pair != nil { line.field("type_ids") { $0.array(encoding.typeIDs) { $0.integer($1) } } }
            }
            json.newline()
            Terminal.output.append(json.bytes)
        }
        if skipped > 0 { Terminal.errors.write(line: "ovindex tokenize: \(skipped) invalid lines skipped") }
        return .success
    }
}
