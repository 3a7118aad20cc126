import Settings
import TextIO

/// The input options `tokenize`, `embed` and `rerank` share: where texts come from, their format, and what to
/// do with a bad line.
struct InputOptions {
    /// FILE; standard input when nil or "-".
    var path: String?
    var jsonLines = false
    var maximumLineBytes = TextRecordReader.defaultMaximumLineBytes
    var skipInvalid = false

    static let file = (name: "FILE", text: "texts to read; standard input when absent or '-'")

    static let section = SettingSection<InputOptions>(
        "Input",
        [
            .flag(
                "--jsonl",
                help: "JSON Lines records {\"id\": ..., \"text\": ...} (the default for *.jsonl files); otherwise "
                    + "one text per line",
                \.jsonLines),
            .option(
                "--max-line-bytes", value: "N", .integer(1...1_000_000_000), help: "longest accepted line",
                \.maximumLineBytes),
            .flag(
                "--skip-invalid",
                help: "report bad lines (too long, invalid UTF-8, invalid JSON) on stderr and go on; without it "
                    + "the first bad line stops the command with status 65",
                \.skipInvalid),
        ])

    func makeReader(pairs: Bool) throws -> TextRecordReader {
        do {
            return try TextRecordReader(
                path: path, format: jsonLines ? .jsonLines : nil, pairs: pairs, maximumLineBytes: maximumLineBytes)
        } catch {
            throw CommandError(.noInput, error.description)
        }
    }

    /// Reads records, handing each good one to `body`. A bad line stops with status 65, or with
    /// `--skip-invalid` is reported on stderr and counted. Returns the number of skipped lines.
    func forEachRecord(
        _ reader: TextRecordReader, command: String, _ body: (TextRecord) async throws -> Void
    ) async throws -> Int {
        var skipped = 0
        while let next = try reader.next() {
            switch next {
            case .success(let record):
                try await body(record)
            case .failure(let problem):
                guard skipInvalid else {
                    throw CommandError(.dataError, "\(problem) (use --skip-invalid to report bad lines and go on)")
                }
                skipped += 1
                Terminal.errors.write(line: "ovindex \(command): skipped \(problem)")
            }
        }
        return skipped
    }
}
