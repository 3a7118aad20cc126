import Host
import TextIO

/// A query with the documents that answer it (a line of an evaluation set).
public struct EvaluationQuery: Sendable, Equatable {
    public var text: String
    public var relevant: Set<String>

    public init(text: String, relevant: Set<String>) {
        self.text = text
        self.relevant = relevant
    }

    /// Reads an evaluation set: JSON Lines `{"id", "query", "relevant": "DOC" or ["DOC", ...]}`.
    ///
    /// - Throws: `EvaluationSetError` naming the file and line of the first bad record (or the missing file).
    public static func read(_ path: String, limit: Int? = nil) throws(EvaluationSetError) -> [EvaluationQuery] {
        let reader: TextRecordReader
        do {
            reader = try TextRecordReader(
                path: path, format: .jsonLines, maximumLineBytes: TextRecordReader.defaultMaximumLineBytes)
        } catch {
            throw EvaluationSetError(message: error.description, missing: true)
        }
        reader.textField = "query"
        var queries: [EvaluationQuery] = []
        do {
            while let next = try reader.next() {
                let record: TextRecord
                switch next {
                case .success(let value): record = value
                case .failure(let problem): throw EvaluationSetError(message: problem.description, missing: false)
                }
                let relevant: [String]
                switch record.fields?["relevant"] {
                case .string(let one): relevant = [one]
                case .array(let many): relevant = many.compactMap(\.stringValue)
                default:
                    throw EvaluationSetError(
                        message: "\(reader.inputName):\(record.line): \"relevant\" must be a document id or a list of them",
                        missing: false)
                }
                guard !relevant.isEmpty else {
                    throw EvaluationSetError(message: "\(reader.inputName):\(record.line): \"relevant\" is empty", missing: false)
                }
                queries.append(EvaluationQuery(text: record.text, relevant: Set(relevant)))
                if let limit, queries.count >= limit { break }
            }
        } catch let error as EvaluationSetError {
            throw error
        } catch {
            throw EvaluationSetError(message: "\(error)", missing: false)
        }
        guard !queries.isEmpty else { throw EvaluationSetError(message: "\(path) has no queries", missing: false) }
        return queries
    }
}
