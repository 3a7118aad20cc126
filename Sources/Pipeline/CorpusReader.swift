import Foundation
public import Store
public import TextIO

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

/// What the reader produces: documents, and inputs it refused (with the reason and the limit).
public enum ReadItem: Sendable, Equatable {
    case document(SourceDocument)
    case rejected(RejectInput)
}

/// Streams the documents of every source in a stable order: directories walked in sorted order (hidden
/// entries skipped, include/exclude globs applied to paths relative to the source), JSON Lines read a line at
/// a time. Never holds more than one document, and never reads a file past the document size limit.
public struct CorpusReader: Sendable {
    public let sources: [PipelineDefinition.Source]
    public let maxDocumentBytes: Int
    /// Only this shard's documents (and rejects) are produced; files of other shards are not even opened.
    public let shard: Shard?

    public init(sources: [PipelineDefinition.Source], maxDocumentBytes: Int, shard: Shard? = nil) {
        self.sources = sources
        self.maxDocumentBytes = maxDocumentBytes
        self.shard = shard
    }

    /// Whether this reader's shard owns `item`: by document key, or for an input that has none (a bad JSON
    /// Lines line, a missing source) by its input and line, so exactly one shard records it.
    func owns(_ item: ReadItem) -> Bool {
        guard let shard else { return true }
        switch item {
        case .document(let document): return shard.owns(document.key)
        case .rejected(let reject):
            if let document = reject.document { return shard.owns(document.key) }
            return shard.owns(reject.input + ":" + (reject.line.map(String.init) ?? ""))
        }
    }

    /// Total bytes the sources hold (for progress and ETA), without reading them.
    public func totalBytes() -> Int {
        var total = 0
        for source in sources {
            switch source.format {
            case .jsonl: total += Self.fileSize(source.path) ?? 0
            case .files: forEachFile(source) { _, path in total += Self.fileSize(path) ?? 0 }
            }
        }
        return total
    }

    /// Calls `body` with every item, in order. `shouldStop` is checked between items (graceful shutdown).
    public func read(
        shouldStop: @Sendable () -> Bool = { false }, _ body: (ReadItem) async throws -> Void
    ) async throws {
        var seen = Set<Int>()
        for source in sources {
            if shouldStop() { return }
            switch source.format {
            case .files:
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory) else {
                    let missing = ReadItem.rejected(RejectInput(input: source.path, reason: "source does not exist"))
                    if owns(missing) { try await body(missing) }
                    continue
                }
                var walker = FileWalker(source)
                while let (relative, path) = walker.next() {
                    if shouldStop() { return }
                    let key = source.keyPrefix + relative
                    if let shard, !shard.owns(key) { continue }
                    var item = readFile(path: path, key: key)
                    if case .document(let document) = item { item = Self.checkDuplicate(document, &seen) }
                    try await body(item)
                }
            case .jsonl:
                try await readJSONLines(source, seen: &seen, shouldStop: shouldStop, body)
            }
        }
    }

    // MARK: - Files

    /// Calls `body(relativePath, absolutePath)` for each matching file of `source`, in walking order.
    func forEachFile(_ source: PipelineDefinition.Source, _ body: (String, String) -> Void) {
        var walker = FileWalker(source)
        while let (relative, path) = walker.next() { body(relative, path) }
    }

    func readFile(path: String, key: String) -> ReadItem {
        func reject(
            _ reason: String, limit: String? = nil, detail: String? = nil, hash: String? = nil, size: Int = 0
        )
            -> ReadItem
        {
            let document = hash.map { RejectInput.Document(key: key, source: path, contentHash: $0, byteSize: size) }
            return .rejected(RejectInput(input: path, reason: reason, limit: limit, detail: detail, document: document))
        }
        guard let size = Self.fileSize(path) else { return reject("cannot read the file") }
        if size > maxDocumentBytes {
            // Not read: identified by size and modification time, so an unchanged oversized file stays skipped.
            let stamp = "size:\(size):\(Self.modificationTime(path))"
            return reject(
                "document too large", limit: "\(maxDocumentBytes) bytes", detail: "\(size) bytes",
                hash: SHA256.hex(Array(stamp.utf8)), size: size)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return reject("cannot open the file") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxDocumentBytes + 1)) ?? Data()
        if data.count > maxDocumentBytes {
            return reject("document too large", limit: "\(maxDocumentBytes) bytes", detail: "grew while reading")
        }
        let bytes = [UInt8](data)
        let hash = SHA256.hex(bytes)
        return Self.validate(
            bytes: bytes, key: key, source: path, input: path, hash: hash, metadata: ["path": .string(key)])
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

    /// Rejects a key read before in this run. Keys are remembered by hash: a few bytes per document however
    /// long the keys, so memory stays small on corpora of millions of documents.
    static func checkDuplicate(_ document: SourceDocument, _ seen: inout Set<Int>) -> ReadItem {
        guard seen.insert(document.key.hashValue).inserted else {
            return .rejected(
                RejectInput(
                    input: document.input, reason: "duplicate document id",
                    detail: "\(document.key) was already read in this run"))
        }
        return .document(document)
    }

    // MARK: - JSON Lines

    private func readJSONLines(
        _ source: PipelineDefinition.Source, seen: inout Set<Int>, shouldStop: @Sendable () -> Bool,
        _ body: (ReadItem) async throws -> Void
    ) async throws {
        let reader: LineReader
        do {
            // A record holds the text plus JSON syntax and metadata: allow some room beyond the text limit.
            reader = try LineReader(path: source.path, maximumBytes: maxDocumentBytes + 64 * 1024)
        } catch {
            let failed = ReadItem.rejected(RejectInput(input: source.path, reason: error.message))
            if owns(failed) { try await body(failed) }
            return
        }
        while !shouldStop(), let line = try reader.next() {
            let item: ReadItem
            switch line {
            case .tooLong(let number, let byteCount):
                item = .rejected(
                    RejectInput(
                        input: source.path, line: number, reason: "document too large",
                        limit: "\(maxDocumentBytes) bytes", detail: "line of \(byteCount) bytes"))
            case .text(let number, let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                item = record(bytes, line: number, source: source)
            }
            guard owns(item) else { continue }
            if case .document(let document) = item {
                try await body(Self.checkDuplicate(document, &seen))
            } else {
                try await body(item)
            }
        }
    }

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
        case .string(let text)?: id = text
        case .number(let literal)?: id = literal
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
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    }

    static func modificationTime(_ path: String) -> Double {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date)?
            .timeIntervalSince1970 ?? 0
    }
}

/// Walks a source folder depth first in sorted order, one directory listing at a time (never the whole tree),
/// skipping hidden entries and symbolic links to folders, yielding files that match the source's globs.
struct FileWalker {
    private struct Level {
        var folder: String
        var relative: String
        var names: [String]
        var index = 0
    }

    private let source: PipelineDefinition.Source
    private var stack: [Level] = []
    private var single: String?

    init(_ source: PipelineDefinition.Source) {
        self.source = source
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory) else { return }
        if isDirectory.boolValue {
            stack = [Self.level(source.path, "")]
        } else {
            single = source.path
        }
    }

    private static func level(_ folder: String, _ relative: String) -> Level {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Level(folder: folder, relative: relative, names: names.filter { !$0.hasPrefix(".") }.sorted())
    }

    mutating func next() -> (String, String)? {
        if let file = single {
            single = nil
            return (URL(fileURLWithPath: file).lastPathComponent, file)
        }
        while var top = stack.popLast() {
            guard top.index < top.names.count else { continue }
            let name = top.names[top.index]
            top.index += 1
            stack.append(top)
            let path = top.folder + "/" + name
            let relative = top.relative.isEmpty ? name : top.relative + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                // Symbolic links to folders are not followed: they could loop.
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                if attributes?[.type] as? FileAttributeType == .typeSymbolicLink { continue }
                stack.append(Self.level(path, relative))
            } else if source.include.contains(where: { $0.matches(relative) })
                && !source.exclude.contains(where: { $0.matches(relative) })
            {
                return (relative, path)
            }
        }
        return nil
    }
}
