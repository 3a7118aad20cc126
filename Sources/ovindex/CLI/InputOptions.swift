import TextIO

/// The input options `tokenize` and `embed` share: where texts come from, their format, and what to do with
/// a bad line.
struct InputOptions {
    static let defaultMaximumLineBytes = TextRecordReader.defaultMaximumLineBytes

    static let help = """
        Input:
          FILE                   texts to read; standard input when absent or '-'
          --jsonl                JSON Lines records {"id": ..., "text": ...} (default for *.jsonl files);
                                 otherwise one text per line
          --max-line-bytes N     longest accepted line (default 1000000)
          --skip-invalid         report bad lines (too long, invalid UTF-8, invalid JSON) on stderr and go on;
                                 without it the first bad line stops the command with status 65
        """

    var path: String?
    var format: TextRecordReader.Format?
    var maximumLineBytes: Int
    var skipInvalid: Bool

    init(parsing arguments: inout Arguments) throws(UsageError) {
        format = arguments.flag("--jsonl") ? .jsonLines : nil
        maximumLineBytes =
            try arguments.integer("--max-line-bytes", in: 1...1_000_000_000) ?? Self.defaultMaximumLineBytes
        skipInvalid = arguments.flag("--skip-invalid")
        path = nil
    }

    func makeReader(pairs: Bool) throws -> TextRecordReader {
        do {
            return try TextRecordReader(path: path, format: format, pairs: pairs, maximumLineBytes: maximumLineBytes)
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
