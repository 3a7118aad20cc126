public import Embedding
import Foundation
import TextIO

/// What `ovindex run` does: where documents come from, how they are cut, embedded and stored.
///
/// Read from a JSON file (`pipelines/*.json`, paths relative to the file) or built from command-line flags;
/// flags override the file. Every field has a default except `store` and `sources`. An unknown or invalid
/// field is an error that names it.
public struct PipelineDefinition: Sendable, Equatable {
    public enum PerformanceHint: String, Sendable, CaseIterable {
        case throughput, latency
    }

    public struct Source: Sendable, Equatable {
        public enum Format: String, Sendable, CaseIterable {
            /// A directory of text files (or a single .txt/.md file).
            case files
            /// A JSON Lines file of records.
            case jsonl
        }

        public var path: String
        public var format: Format
        /// For directories: files to take (default `**/*.txt`, `**/*.md`) and to leave out.
        public var include: [Glob]
        public var exclude: [Glob]
        /// Put before every document key from this source (to keep keys of two sources apart).
        public var keyPrefix: String
        /// For JSON Lines: the fields holding the id, the text, and the metadata (`["*"]`: every other field).
        public var idField: String
        public var textField: String
        public var metadataFields: [String]
        /// Follow symbolic links that lead out of the source folder (links inside it are always followed).
        public var followSymlinks: Bool

        public init(path: String, format: Format? = nil) {
            self.path = path
            self.format = format ?? (path.hasSuffix(".jsonl") ? .jsonl : .files)
            include = [Glob("**/*.txt"), Glob("**/*.md")]
            exclude = []
            keyPrefix = ""
            idField = "id"
            textField = "text"
            metadataFields = ["*"]
            followSymlinks = false
        }
    }

    public var store: String
    public var sources: [Source]
    /// Model directory, or a model name under data/models.
    public var model: String?
    public var precision: InferencePrecision = .auto
    /// Tokens per chunk, without [CLS]/[SEP]; nil: the model's maximum minus 2.
    public var chunkTokens: Int?
    /// How each chunk's token states are kept for late-interaction reranking (`token_states`). Binary by
    /// default: 50 MB per million tokens against int8's 388 MB, for 0.3 to 0.4 points of MRR@10 on the
    /// evaluation sets (docs/querying.md, "Query quality").
    public var tokenStates: TokenStateFormat = .binary
    /// Whether each chunk carries its document's title into what is embedded and searched (`chunking.title`).
    public var chunkTitles = true
    /// Which documents are cut and labelled by their Markdown headings (`chunking.structure`); nil: what the
    /// store recorded, else `auto` (a store built before sections records `none`, so it is cut as it was).
    public var chunkStructure: ChunkStructure?
    public var overlapTokens: Int = 32
    public var maxDocumentBytes: Int = 10_000_000
    public var maxChunksPerDocument: Int = 2_000
    /// Token budget of one inference batch, padding included.
    public var batchTokens: Int = 8_192
    public var batchRows: Int = 256
    /// Group chunks of similar length into a batch (less padding); false batches them in arrival order.
    public var groupByLength: Bool = true
    public var inferRequests: Int = 2
    public var threads: Int?
    /// OpenVINO's performance hint: throughput (one stream per infer request, for batch indexing) or latency
    /// (every core on one request at a time).
    public var performanceHint: PerformanceHint = .throughput
    /// Capacities of the bounded channels between stages (documents, chunks, results).
    public var documentQueue: Int = 8
    public var chunkQueue: Int = 1_024
    public var resultQueue: Int = 64
    public var inferenceTimeoutSeconds: Double = 30
    /// Commit a batch of finished documents when this many are ready, or after this many seconds.
    public var commitDocuments: Int = 64
    public var commitSeconds: Double = 2
    public var prune: Bool = false
    /// The largest share of a source's stored documents one run may prune without `forcePrune`.
    public var pruneMaxFraction: Double = 0.5
    /// Prune even when more than `pruneMaxFraction` of a source's documents are gone (`--force-prune`).
    public var forcePrune: Bool = false
    /// How many shards the corpus is split into when a scheduler gives only the index (`JOB_COMPLETION_INDEX`).
    public var shards: Int?
    /// This worker's shard (from --shard, or the scheduler's environment); nil indexes every document.
    public var shard: Shard?

    public init(store: String, sources: [Source]) {
        self.store = store
        self.sources = sources
    }

    /// Reads a definition file; relative paths in it are resolved against the file's folder.
    ///
    /// - Throws: `DefinitionError` naming the file and the field.
    public static func load(path: String) throws(DefinitionError) -> PipelineDefinition {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DefinitionError(file: path, field: nil, message: "cannot be read")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw DefinitionError(file: path, field: nil, message: "invalid JSON: \(error)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(value, file: path, base: base)
    }

    static func parse(_ value: JSONValue, file: String, base: String) throws(DefinitionError) -> PipelineDefinition {
        let root = try Fields(value, path: "", file: file)
        func resolve(_ path: String) -> String {
            path.hasPrefix("/")
                ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
        }
        let store = try root.string("store", required: true) ?? ""
        if store.isEmpty { throw DefinitionError(file: file, field: "store", message: "is empty") }
        var sources: [Source] = []
        for (index, element) in (try root.array("sources", required: true) ?? []).enumerated() {
            let fields = try Fields(element, path: "sources[\(index)]", file: file)
            let rawPath = try fields.string("path", required: true) ?? ""
            if rawPath.isEmpty {
                throw DefinitionError(file: file, field: "sources[\(index)].path", message: "is empty")
            }
            let format = try fields.choice("format", Source.Format.self)
            var source = Source(path: resolve(rawPath), format: format)
            if let include = try fields.strings("include") { source.include = include.map(Glob.init) }
            if let exclude = try fields.strings("exclude") { source.exclude = exclude.map(Glob.init) }
            source.keyPrefix = try fields.string("key_prefix") ?? ""
            source.idField = try fields.string("id_field") ?? source.idField
            source.textField = try fields.string("text_field") ?? source.textField
            source.metadataFields = try fields.strings("metadata_fields") ?? source.metadataFields
            source.followSymlinks = try fields.bool("follow_symlinks") ?? false
            try fields.rejectUnknown()
            sources.append(source)
        }
        guard !sources.isEmpty else {
            throw DefinitionError(file: file, field: "sources", message: "needs at least one source")
        }
        var definition = PipelineDefinition(store: resolve(store), sources: sources)
        if let model = try root.string("model") {
            definition.model = model.contains("/") ? resolve(model) : model
        }
        definition.precision = try root.choice("precision", InferencePrecision.self) ?? .auto
        // "prune": true, or {"enabled": true, "max_fraction": 0.5}.
        if let prune = try root.value("prune") {
            if case .bool(let flag) = prune {
                definition.prune = flag
            } else if case .object = prune {
                let fields = try Fields(prune, path: "prune", file: file)
                // Required: an object that only sets the share must not turn pruning on by itself.
                definition.prune = try fields.bool("enabled", required: true) ?? false
                definition.pruneMaxFraction = try fields.number("max_fraction", in: 0...1) ?? definition.pruneMaxFraction
                definition.forcePrune = try fields.bool("force") ?? false
                try fields.rejectUnknown()
            } else {
                throw DefinitionError(
                    file: file, field: "prune",
                    message: "must be true, false or an object like {\"enabled\": true, \"max_fraction\": 0.5}")
            }
        }
        definition.tokenStates = try root.choice("token_states", TokenStateFormat.self) ?? definition.tokenStates
        definition.shards = try root.integer("shards", in: 1...1_000_000)
        if let shard = try root.string("shard") {
            do {
                definition.shard = try Shard(parsing: shard)
            } catch {
                throw DefinitionError(file: file, field: "shard", message: "\(error)")
            }
        }
        if let chunking = try root.object("chunking") {
            definition.chunkTokens = try chunking.integer("max_tokens", in: 8...8192)
            definition.overlapTokens = try chunking.integer("overlap_tokens", in: 0...4096) ?? definition.overlapTokens
            definition.chunkTitles = try chunking.bool("title") ?? definition.chunkTitles
            definition.chunkStructure = try chunking.choice("structure", ChunkStructure.self)
            try chunking.rejectUnknown()
        }
        if let limits = try root.object("limits") {
            definition.maxDocumentBytes =
                try limits.integer("max_document_bytes", in: 1...(1 << 34)) ?? definition.maxDocumentBytes
            definition.maxChunksPerDocument =
                try limits.integer("max_chunks_per_document", in: 1...1_000_000) ?? definition.maxChunksPerDocument
            try limits.rejectUnknown()
        }
        if let batching = try root.object("batching") {
            definition.batchTokens = try batching.integer("max_tokens", in: 16...1_000_000) ?? definition.batchTokens
            definition.batchRows = try batching.integer("max_rows", in: 1...4096) ?? definition.batchRows
            definition.groupByLength = try batching.bool("group_by_length") ?? definition.groupByLength
            try batching.rejectUnknown()
        }
        if let concurrency = try root.object("concurrency") {
            definition.inferRequests = try concurrency.integer("infer_requests", in: 1...64) ?? definition.inferRequests
            definition.threads = try concurrency.integer("threads", in: 1...1024)
            definition.performanceHint =
                try concurrency.choice("performance_hint", PerformanceHint.self) ?? definition.performanceHint
            definition.documentQueue =
                try concurrency.integer("document_queue", in: 1...10_000) ?? definition.documentQueue
            definition.chunkQueue = try concurrency.integer("chunk_queue", in: 1...1_000_000) ?? definition.chunkQueue
            definition.resultQueue = try concurrency.integer("result_queue", in: 1...100_000) ?? definition.resultQueue
            try concurrency.rejectUnknown()
        }
        if let timeouts = try root.object("timeouts") {
            definition.inferenceTimeoutSeconds =
                try timeouts.number("inference_seconds", in: 0.001...86_400) ?? definition.inferenceTimeoutSeconds
            try timeouts.rejectUnknown()
        }
        if let commit = try root.object("commit") {
            definition.commitDocuments =
                try commit.integer("max_documents", in: 1...100_000) ?? definition.commitDocuments
            definition.commitSeconds = try commit.number("max_seconds", in: 0...3600) ?? definition.commitSeconds
            try commit.rejectUnknown()
        }
        try root.rejectUnknown()
        try definition.validate(file: file)
        return definition
    }

    /// The most documents that can be read but not yet committed, whatever the corpus size: each one is in the
    /// document channel, the reader's blocked send, the chunker, or has a chunk in the chunk channel, the
    /// embedder's batching window, a batch in flight or the result channel.
    public var documentsInFlightBound: Int {
        let window = max(batchRows, chunkQueue)
        return documentQueue + 1 + 1 + chunkQueue + window + inferRequests * batchRows + resultQueue * batchRows
    }

    /// The result channel's capacity: `concurrency.result_queue`, lowered so that the token states its full
    /// batches can hold stay under 256 MB (int8 states take about 100 KB a chunk: 64 full batches would hold
    /// 1.6 GB, more than a 1.5 GB container).
    public func resultCapacity(chunkTokens: Int, width: Int) -> Int {
        guard tokenStates != .none else { return resultQueue }
        let batchBytes = max(1, batchRows * (chunkTokens + 2) * tokenStates.rowBytes(width: width))
        return max(2, min(resultQueue, (256 << 20) / batchBytes))
    }

    /// The chunk size (word pieces, without [CLS]/[SEP]) and overlap a run uses with a model that takes
    /// `maximumLength` tokens: `chunking.max_tokens`, or the model's maximum less its two special tokens.
    ///
    /// - Throws: `DefinitionError` when the chunks would be longer than the model takes (positions past its
    ///   maximum embed as garbage, without an error), or the overlap is not smaller than the chunks.
    public func chunkSettings(maximumLength: Int) throws(DefinitionError) -> (maxTokens: Int, overlap: Int) {
        let largest = maximumLength - 2
        let maxTokens = chunkTokens ?? max(8, largest)
        if maxTokens > largest {
            throw DefinitionError(
                file: "definition", field: "chunking.max_tokens",
                message: "is \(maxTokens), but the model takes at most \(largest) word pieces per chunk "
                    + "(\(maximumLength) tokens with [CLS] and [SEP])")
        }
        if overlapTokens >= maxTokens {
            throw DefinitionError(
                file: "definition", field: "chunking.overlap_tokens",
                message: "must be smaller than the chunks (\(overlapTokens) >= \(maxTokens))")
        }
        return (maxTokens, overlapTokens)
    }

    /// Checks the fields against each other (after overrides too).
    public func validate(file: String = "command line") throws(DefinitionError) {
        if let chunkTokens, overlapTokens >= chunkTokens {
            throw DefinitionError(
                file: file, field: "chunking.overlap_tokens",
                message: "must be smaller than chunking.max_tokens (\(overlapTokens) >= \(chunkTokens))")
        }
        if store.isEmpty { throw DefinitionError(file: file, field: "store", message: "is empty") }
    }

    /// The definition as JSON, in the shape `load` reads (recorded with each run in the store, so that a run's
    /// settings can be loaded back as a definition): every field, defaults included, paths absolute.
    public var json: String {
        func number(_ value: Int) -> JSONValue { .number(String(value)) }
        func number(_ value: Double) -> JSONValue { .number(String(value)) }
        let sourceValues: [JSONValue] = sources.map { source in
            .object([
                "path": .string(source.path), "format": .string(source.format.rawValue),
                "include": .array(source.include.map { .string($0.pattern) }),
                "exclude": .array(source.exclude.map { .string($0.pattern) }),
                "key_prefix": .string(source.keyPrefix), "id_field": .string(source.idField),
                "text_field": .string(source.textField),
                "metadata_fields": .array(source.metadataFields.map(JSONValue.string)),
                "follow_symlinks": .bool(source.followSymlinks),
            ])
        }
        var chunking: [String: JSONValue] = ["overlap_tokens": number(overlapTokens), "title": .bool(chunkTitles)]
        if let chunkTokens { chunking["max_tokens"] = number(chunkTokens) }
        if let chunkStructure { chunking["structure"] = .string(chunkStructure.rawValue) }
        var concurrency: [String: JSONValue] = [
            "infer_requests": number(inferRequests), "performance_hint": .string(performanceHint.rawValue),
            "document_queue": number(documentQueue), "chunk_queue": number(chunkQueue),
            "result_queue": number(resultQueue),
        ]
        if let threads { concurrency["threads"] = number(threads) }
        var members: [String: JSONValue] = [
            "store": .string(store), "precision": .string(precision.rawValue), "sources": .array(sourceValues),
            "token_states": .string(tokenStates.rawValue),
            "chunking": .object(chunking),
            "limits": .object([
                "max_document_bytes": number(maxDocumentBytes), "max_chunks_per_document": number(maxChunksPerDocument),
            ]),
            "batching": .object([
                "max_tokens": number(batchTokens), "max_rows": number(batchRows), "group_by_length": .bool(groupByLength),
            ]),
            "concurrency": .object(concurrency),
            "timeouts": .object(["inference_seconds": number(inferenceTimeoutSeconds)]),
            "commit": .object(["max_documents": number(commitDocuments), "max_seconds": number(commitSeconds)]),
            "prune": .object([
                "enabled": .bool(prune), "max_fraction": number(pruneMaxFraction), "force": .bool(forcePrune),
            ]),
        ]
        if let model { members["model"] = .string(model) }
        if let shards { members["shards"] = number(shards) }
        if let shard { members["shard"] = .string("\(shard.index)/\(shard.count)") }
        var writer = JSONWriter()
        writer.value(.object(members))
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// Reads one JSON object's fields, remembering which were used so unknown ones can be reported.
private final class Fields {
    let members: [String: JSONValue]
    let path: String
    let file: String
    private var used: Set<String> = []

    init(_ value: JSONValue, path: String, file: String) throws(DefinitionError) {
        guard case .object(let members) = value else {
            throw DefinitionError(file: file, field: path.isEmpty ? nil : path, message: "must be a JSON object")
        }
        self.members = members
        self.path = path
        self.file = file
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func value(_ key: String, required: Bool = false) throws(DefinitionError) -> JSONValue? {
        used.insert(key)
        guard let value = members[key], value != .null else {
            if required { throw DefinitionError(file: file, field: name(key), message: "is required") }
            return nil
        }
        return value
    }

    func string(_ key: String, required: Bool = false) throws(DefinitionError) -> String? {
        guard let value = try value(key, required: required) else { return nil }
        guard case .string(let text) = value else {
            throw DefinitionError(
                file: file, field: name(key), message: "must be a string, not \(value.kindDescription)")
        }
        return text
    }

    func strings(_ key: String) throws(DefinitionError) -> [String]? {
        guard let values = try array(key) else { return nil }
        var result: [String] = []
        for (index, value) in values.enumerated() {
            guard case .string(let text) = value else {
                throw DefinitionError(file: file, field: "\(name(key))[\(index)]", message: "must be a string")
            }
            result.append(text)
        }
        return result
    }

    func array(_ key: String, required: Bool = false) throws(DefinitionError) -> [JSONValue]? {
        guard let value = try value(key, required: required) else { return nil }
        guard case .array(let values) = value else {
            throw DefinitionError(
                file: file, field: name(key), message: "must be an array, not \(value.kindDescription)")
        }
        return values
    }

    func object(_ key: String) throws(DefinitionError) -> Fields? {
        guard let value = try value(key) else { return nil }
        return try Fields(value, path: name(key), file: file)
    }

    func bool(_ key: String, required: Bool = false) throws(DefinitionError) -> Bool? {
        guard let value = try value(key, required: required) else { return nil }
        guard case .bool(let flag) = value else {
            throw DefinitionError(file: file, field: name(key), message: "must be true or false")
        }
        return flag
    }

    func number(_ key: String, in range: ClosedRange<Double>) throws(DefinitionError) -> Double? {
        guard let value = try value(key) else { return nil }
        guard let number = value.doubleValue, range.contains(number) else {
            throw DefinitionError(
                file: file, field: name(key),
                message: "must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(DefinitionError) -> Int? {
        guard let value = try value(key) else { return nil }
        guard let number = value.intValue, range.contains(number) else {
            throw DefinitionError(
                file: file, field: name(key),
                message: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(DefinitionError) -> T?
    where T.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = T(rawValue: text) else {
            throw DefinitionError(
                file: file, field: name(key),
                message: "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
        }
        return value
    }

    func rejectUnknown() throws(DefinitionError) {
        if let unknown = members.keys.sorted().first(where: { !used.contains($0) }) {
            throw DefinitionError(
                file: file, field: name(unknown),
                message: "is not a known field (known here: \(used.sorted().joined(separator: ", ")))")
        }
    }
}
