import Foundation
public import Store
public import TextIO
import Checksum

#if canImport(Glibc)
    import Glibc
#endif

/// A document read from a source, checked and hashed, ready for chunking.
public struct SourceDocument: Sendable, Equatable {
    /// Stable id: the path relative to its source folder, or the JSON Lines id (with the source's key prefix).
    public var key: String
    /// Where it was read: the file path.
    public var source: String
    /// The input to name in messages: the file, or file:line.
    public var input: String
    public var contentHash: String
    public var byteSize: Int
    public var text: String
    public var metadata: [String: JSONValue]
}

/// How much of one source a run read, for pruning: a source that yielded nothing, or was not read in full, is
/// never pruned.
public struct SourceReport: Sendable, Equatable {
    /// The source's position in the definition.
    public var index: Int
    /// Items with a document key: documents, and rejects and failures of documents.
    public var documents: Int
    /// False when part of it could not be read (a folder that could not be listed, a read error in a JSON
    /// Lines file).
    public var complete: Bool
}

/// What the reader produces: documents; inputs it refused (rejects, permanent) or could not read (failures,
/// retried by the next run); and the end of each source.
public enum ReadItem: Sendable, Equatable {
    case document(SourceDocument)
    case rejected(RejectInput)
    case failed(RejectInput)
    case sourceFinished(SourceReport)
}

/// A source that cannot be read at all: a run stops before it writes anything (exit 66).
public struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "source \(path): \(message); nothing was written" }
}

/// Streams the documents of every source in a stable order: directories walked in sorted order (see
/// `FileWalker` for what is read and what is reported), JSON Lines read a line at a time. Never holds more than
/// one document, and never reads a file past the document size limit.
public struct CorpusReader: Sendable {
    public let sources: [PipelineDefinition.Source]
    public let maxDocumentBytes: Int
    /// Only this shard's documents (and rejects) are produced; files of other shards are not even opened.
    public let shard: Shard?
    /// Real paths never read as documents: the store's own files.
    public let excluded: Set<String>
    public let faults: FaultPlan

    public init(
        sources: [PipelineDefinition.Source], maxDocumentBytes: Int, shard: Shard? = nil, store: String? = nil,
        faults: FaultPlan = .none
    ) {
        self.sources = sources
        self.maxDocumentBytes = maxDocumentBytes
        self.shard = shard
        self.excluded = store.map(Self.storeFiles) ?? []
        self.faults = faults
    }

    /// The real paths of a store's files (the database, its WAL, shared memory and rollback journal).
    static func storeFiles(_ store: String) -> Set<String> {
        let url = URL(fileURLWithPath: store)
        let folder = FileWalker.realPath(url.deletingLastPathComponent().path) ?? url.deletingLastPathComponent().path
        let base = folder + "/" + url.lastPathComponent
        // STORE.lock was the lock file of earlier builds (the lock is now on the store file itself).
        return [base, base + "-wal", base + "-shm", base + "-journal", base + ".lock"]
    }

    /// Checks that every source exists and can be read, before a run writes anything.
    ///
    /// - Throws: `SourceError` naming the first source that is missing (unmounted, mistyped), unreadable, or of
    ///   the wrong kind.
    public func checkSources() throws(SourceError) {
        for source in sources {
            var info = stat()
            guard stat(source.path, &info) == 0 else {
                let code = errno
                throw SourceError(
                    path: source.path,
                    message: code == ENOENT
                        ? "does not exist (not mounted, or mistyped?)" : "cannot be read: \(FileWalker.error(code))")
            }
            let type = info.st_mode & S_IFMT
            if type == S_IFDIR && source.format == .files {
                guard let directory = opendir(source.path) else {
                    throw SourceError(path: source.path, message: "cannot be read: \(FileWalker.error(errno))")
                }
                closedir(directory)
            } else if type == S_IFREG {
                let descriptor = open(source.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
                guard descriptor >= 0 else {
                    throw SourceError(path: source.path, message: "cannot be read: \(FileWalker.error(errno))")
                }
                close(descriptor)
            } else {
                throw SourceError(
                    path: source.path,
                    message: source.format == .jsonl
                        ? "is a \(FileWalker.kind(info.st_mode)), not a JSON Lines file"
                        : "is a \(FileWalker.kind(info.st_mode)), not a folder or a regular file")
            }
        }
    }

    /// Whether this reader's shard owns `item`: by document key, or for an input that has none (a bad JSON
    /// Lines line, a skipped path) by its input and line, so exactly one shard records it.
    func owns(_ item: ReadItem) -> Bool {
        guard let shard else { return true }
        switch item {
        case .document(let document): return shard.owns(document.key)
        case .rejected(let reject), .failed(let reject):
            if let key = reject.key { return shard.owns(key) }
            return shard.owns(reject.input + ":" + (reject.line.map(String.init) ?? ""))
        case .sourceFinished: return true
        }
    }

    /// Total bytes the sources hold (for progress and ETA), without reading them.
    public func totalBytes() -> Int {
        var total = 0
        for source in sources {
            switch source.format {
            case .jsonl: total += Self.fileSize(source.path) ?? 0
            case .files:
                var walker = FileWalker(source, excluded: excluded)
                while let entry = walker.next() {
                    if case .file(_, let path) = entry { total += Self.fileSize(path) ?? 0 }
                }
            }
        }
        return total
    }

    /// Where each key was first read, to name it when a key comes again.
    struct Origins {
        private var first: [KeyDigest: (source: Int32, line: Int32)] = [:]

        /// Records `key`; returns where it was read before, if it was.
        mutating func insert(_ key: String, source: Int, line: Int?) -> (source: Int, line: Int?)? {
            let digest = KeyDigest(key)
            if let earlier = first[digest] {
                return (Int(earlier.source), earlier.line < 0 ? nil : Int(earlier.line))
            }
            first[digest] = (Int32(clamping: source), Int32(clamping: line ?? -1))
            return nil
        }
    }

    /// Calls `body` with every item, in order, and a `sourceFinished` after each source read to its end.
    /// `shouldStop` is checked between items (graceful shutdown).
    public func read(
        shouldStop: @Sendable () -> Bool = { false }, _ body: (ReadItem) async throws -> Void
    ) async throws {
        var origins = Origins()
        for (index, source) in sources.enumerated() {
            if shouldStop() { return }
            var report = SourceReport(index: index, documents: 0, complete: true)
            func emit(_ item: ReadItem) async throws {
                guard owns(item) else { return }
                switch item {
                case .document: report.documents += 1
                case .rejected(let reject), .failed(let reject):
                    if reject.key != nil { report.documents += 1 } else if case .failed = item { report.complete = false }
                case .sourceFinished: break
                }
                try await body(item)
            }
            switch source.format {
            case .files:
                var walker = FileWalker(source, excluded: excluded, faults: faults)
                while let entry = walker.next() {
                    if shouldStop() { return }
                    switch entry {
                    case .file(let relative, let path):
                        let key = source.keyPrefix + relative
                        if let shard, !shard.owns(key) { continue }
                        try await emit(checked(readFile(path: path, key: key), source: index, &origins))
                    case .skipped(let path, let reason, let detail):
                        try await emit(.rejected(RejectInput(input: path, reason: reason, detail: detail)))
                    case .unreadable(let path, _, let detail):
                        try await emit(
                            .failed(
                                .failure(
                                    input: path, key: nil, reason: "cannot read the folder",
                                    detail: detail + "; its documents are kept and it is read again next run")))
                    }
                }
            case .jsonl:
                let finished = try await readJSONLines(source, index: index, origins: &origins, shouldStop: shouldStop) {
                    try await emit($0)
                }
                if !finished { return }
            }
            try await body(.sourceFinished(report))
        }
    }

    // MARK: - Files

    func readFile(path: String, key: String) -> ReadItem {
        func reject(_ reason: String, limit: String? = nil, detail: String? = nil, document: RejectInput.Document? = nil)
            -> ReadItem
        {
            .rejected(RejectInput(input: path, reason: reason, limit: limit, detail: detail, document: document))
        }
        if faults.stalls.contains(key) { Self.stall(key) }
        if faults.readFailures.contains(key) {
            return .failed(.failure(input: path, key: key, reason: "read error", detail: "read: Input/output error (injected)"))
        }
        switch DocumentFile.read(path, limit: maxDocumentBytes) {
        case .bytes(let bytes):
            return Self.validate(
                bytes: bytes, key: key, source: path, input: path, hash: SHA256.hex(bytes),
                metadata: ["path": .string(key)])
        case .notRegular(let kind):
            return reject("not a regular file", detail: kind)
        case .tooLarge(let size, let stamp):
            // Not read: identified by size and modification time, so an unchanged oversized file stays skipped.
            return reject(
                "document too large", limit: "\(maxDocumentBytes) bytes", detail: "\(size) bytes",
                document: RejectInput.Document(
                    key: key, source: path, contentHash: SHA256.hex(Array(stamp.utf8)), byteSize: size))
        case .grew:
            return .failed(
                .failure(
                    input: path, key: key, reason: "changed while read",
                    detail: "grew past \(maxDocumentBytes) bytes while it was read"))
        case .vanished:
            return reject("vanished while the folder was read")
        case .failed(let operation, let message):
            return .failed(.failure(input: path, key: key, reason: "read error", detail: "\(operation): \(message)"))
        }
    }

    /// Blocks the calling thread for good, as a read from a hung network filesystem would (the `stall` fault).
    private static func stall(_ key: String) -> Never {
        FileHandle.standardError.write(Data("ovindex: fault: stalling the read of \(key)\n".utf8))
        while true { sleep(3600) }
    }

    /// The checks every document passes: UTF-8, no NUL bytes, not empty.
    static func validate(
        bytes: [UInt8], key: String, source: String, input: String, line: Int? = nil, hash: String,
        metadata: [String: JSONValue]
    ) -> ReadItem {
        let document = RejectInput.Document(key: key, source: source, contentHash: hash, byteSize: bytes.count)
        if let invalid = UTF8Validation.firstInvalidOffset(bytes) {
            return .rejected(
                RejectInput(
                    input: input, line: line, reason: "invalid UTF-8", detail: "at byte \(invalid + 1)",
                    document: document))
        }
        if let nul = bytes.firstIndex(of: 0) {
            return .rejected(
                RejectInput(
                    input: input, line: line, reason: "binary content", detail: "NUL byte at offset \(nul)",
                    document: document))
        }
        if bytes.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) })
            || String(decoding: bytes, as: UTF8.self).unicodeScalars.allSatisfy(\.properties.isWhitespace)
        {
            return .rejected(RejectInput(input: input, line: line, reason: "empty document", document: document))
        }
        return .document(
            SourceDocument(
                key: key, source: source, input: line.map { "\(input):\($0)" } ?? input, contentHash: hash,
                byteSize: bytes.count,
                text: String(decoding: bytes, as: UTF8.self), metadata: metadata))
    }

    /// Rejects a document whose key was read before in this run, naming where.
    func checked(_ item: ReadItem, source: Int, line: Int? = nil, _ origins: inout Origins) -> ReadItem {
        let key: String
        let input: String
        switch item {
        case .document(let document):
            key = document.key
            input = document.source
        case .rejected(let reject) where reject.document != nil:
            key = reject.key ?? ""
            input = reject.input
        default:
            return item
        }
        guard let earlier = origins.insert(key, source: source, line: line) else { return item }
        let place =
            earlier.source == source
            ? (earlier.line.map { "line \($0)" } ?? "this source")
            : "source \(sources[earlier.source].path)" + (earlier.line.map { " line \($0)" } ?? "")
        return .rejected(
            RejectInput(
                input: input, line: line, reason: "duplicate document id",
                detail: "\(Self.quoted(key)) was first read at \(place)"))
    }

    static func quoted(_ key: String) -> String {
        var writer = JSONWriter()
        writer.string(key)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: - JSON Lines

    /// Reads a JSON Lines source; false when it stopped early (`shouldStop`).
    private func readJSONLines(
        _ source: PipelineDefinition.Source, index: Int, origins: inout Origins, shouldStop: @Sendable () -> Bool,
        _ emit: (ReadItem) async throws -> Void
    ) async throws -> Bool {
        let reader: LineReader
        do {
            // A record holds the text plus JSON syntax and metadata: allow some room beyond the text limit.
            reader = try LineReader(path: source.path, maximumBytes: maxDocumentBytes + 64 * 1024)
        } catch {
            try await emit(.failed(.failure(input: source.path, key: nil, reason: "cannot read the file", detail: error.message)))
            return true
        }
        while true {
            if shouldStop() { return false }
            let line: LineReader.Line
            do {
                guard let next = try reader.next() else { return true }
                line = next
            } catch {
                try await emit(
                    .failed(.failure(input: source.path, key: nil, reason: "read error", detail: error.message)))
                return true
            }
            switch line {
            case .tooLong(let number, let byteCount):
                try await emit(
                    .rejected(
                        RejectInput(
                            input: source.path, line: number, reason: "document too large",
                            limit: "\(maxDocumentBytes) bytes", detail: "line of \(byteCount) bytes")))
            case .text(let number, let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let item = record(bytes, line: number, source: source)
                // Only this shard's records count towards duplicates: another shard's are not even parsed
                // to the end (they are skipped by `owns` in `emit`).
                guard owns(item) else { continue }
                try await emit(checked(item, source: index, line: number, &origins))
            }
        }
    }

    /// One JSON Lines record. The id is a string (not empty), or an integer written in plain digits: `7` and
    /// `"7"` name the same document; `7.0` and `1e3` are refused, as one number can be written many ways.
    func record(_ bytes: [UInt8], line: Int, source: PipelineDefinition.Source) -> ReadItem {
        func reject(_ reason: String, _ detail: String? = nil) -> ReadItem {
            .rejected(RejectInput(input: source.path, line: line, reason: reason, detail: detail))
        }
        if let invalid = UTF8Validation.firstInvalidOffset(bytes) {
            return reject("invalid UTF-8", "at byte \(invalid + 1)")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            return reject("invalid JSON", error.description)
        }
        guard case .object(let members) = value else { return reject("not a JSON object", value.kindDescription) }
        let id: String
        switch members[source.idField] {
        case .string(let text)?:
            guard !text.isEmpty else { return reject("empty id", "\"\(source.idField)\" is \"\"") }
            id = text
        case .number(let literal)?:
            let digits = literal.hasPrefix("-") ? literal.dropFirst() : literal[...]
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return reject(
                    "id is not a string or an integer", "\"\(source.idField)\" is \(literal)")
            }
            id = literal
        case nil: return reject("no \"\(source.idField)\" field")
        case let other?: return reject("\"\(source.idField)\" is \(other.kindDescription), not a string or number")
        }
        guard case .string(let text)? = members[source.textField] else {
            return reject(
                members[source.textField] == nil
                    ? "no \"\(source.textField)\" field" : "\"\(source.textField)\" is not a string")
        }
        var metadata: [String: JSONValue] = [:]
        if source.metadataFields == ["*"] {
            for (name, field) in members where name != source.idField && name != source.textField {
                metadata[name] = field
            }
        } else {
            for name in source.metadataFields { metadata[name] = members[name] }
        }
        let textBytes = Array(text.utf8)
        if textBytes.count > maxDocumentBytes {
            return .rejected(
                RejectInput(
                    input: source.path, line: line, reason: "document too large", limit: "\(maxDocumentBytes) bytes",
                    detail: "\(textBytes.count) bytes of text"))
        }
        // The hash covers the metadata too: a changed field must reach the store (filters use it).
        var hashed = JSONWriter()
        hashed.value(.object(metadata))
        var hasher = SHA256()
        hasher.update(textBytes)
        hasher.update([0])
        hasher.update(hashed.bytes)
        let key = source.keyPrefix + id
        return Self.validate(
            bytes: textBytes, key: key, source: source.path, input: source.path, line: line,
            hash: SHA256.hexString(hasher.finalize()), metadata: metadata)
    }

    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }
}
