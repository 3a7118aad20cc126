import Foundation
import Host
import Store
import TextIO
import Checksum

/// The first stage's work: streams the documents of every source in a stable order, directories walked in
/// sorted order (see `FileWalker` for what is read and what is reported), JSON Lines read a line at a time.
/// Never holds more than one document, and never reads a file past the document size limit. It does not judge
/// content: that is the validator's.
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
            guard let info = System.stat(source.path) else {
                let code = System.lastError
                throw SourceError(
                    path: source.path,
                    message: code == System.Errno.noSuchFile
                        ? "does not exist (not mounted, or mistyped?)" : "cannot be read: \(FileWalker.error(code))")
            }
            if info.isDirectory && source.format == .files {
                guard System.Directory(source.path) != nil else {
                    throw SourceError(
                        path: source.path, message: "cannot be read: \(FileWalker.error(System.lastError))")
                }
            } else if info.isRegularFile {
                let descriptor = System.open(source.path, [.readOnly, .nonBlocking, .closeOnExec])
                guard descriptor >= 0 else {
                    throw SourceError(
                        path: source.path, message: "cannot be read: \(FileWalker.error(System.lastError))")
                }
                System.close(descriptor)
            } else {
                throw SourceError(
                    path: source.path,
                    message: source.format == .jsonl
                        ? "is a \(FileWalker.kind(info)), not a JSON Lines file"
                        : "is a \(FileWalker.kind(info)), not a folder or a regular file")
            }
        }
    }

    /// Whether this reader's shard owns `item`: by document key, or for an input that has none (a bad JSON
    /// Lines line, a skipped path) by its input and line, so exactly one shard records it.
    func owns(_ item: ReadItem) -> Bool {
        guard let shard else { return true }
        switch item {
        case .document(let document): return shard.owns(document.key)
        case .problem(let problem):
            if let key = problem.key { return shard.owns(key) }
            return shard.owns(problem.input + ":" + (problem.line.map(String.init) ?? ""))
        case .sourceFinished: return true
        }
    }

    /// Total bytes the sources hold (for progress and ETA), without reading them; what was counted when
    /// `shouldStop` turns true.
    public func totalBytes(shouldStop: () -> Bool = { false }) -> Int {
        var total = 0
        for source in sources {
            switch source.format {
            case .jsonl: total += Self.fileSize(source.path) ?? 0
            case .files:
                var walker = FileWalker(source, excluded: excluded)
                while let entry = walker.next() {
                    if shouldStop() { return total }
                    if case .file(_, let path) = entry { total += Self.fileSize(path) ?? 0 }
                }
            }
        }
        return total
    }

    /// Calls `body` with every item, in order, and a `sourceFinished` after each source read to its end.
    /// `shouldStop` is checked between items (graceful shutdown).
    public func read(
        shouldStop: @Sendable () -> Bool = { false }, _ body: (ReadItem) async throws -> Void
    ) async throws {
        for (index, source) in sources.enumerated() {
            if shouldStop() { return }
            var report = SourceReport(
                index: index, documents: 0, complete: true,
                isFolder: source.format == .files && Self.isFolder(source.path))
            func emit(_ item: ReadItem) async throws {
                guard owns(item) else { return }
                switch item {
                case .document: report.documents += 1
                case .problem(let problem):
                    if problem.key != nil { report.documents += 1 }
                    // Part of the source was not read: nothing of it may be pruned.
                    if (problem.key == nil && problem.kind == .failure) || problem.code == .vanished {
                        report.complete = false
                    }
                case .sourceFinished: break
                }
                try await body(item)
            }
            switch source.format {
            case .files:
                let root = Self.identity(source.path)
                var walker = FileWalker(source, excluded: excluded, faults: faults)
                while let entry = walker.next() {
                    if shouldStop() { return }
                    switch entry {
                    case .file(let relative, let path):
                        let key = source.keyPrefix + relative
                        if let shard, !shard.owns(key) { continue }
                        try await emit(readFile(path: path, key: key, source: index))
                    case .skipped(let path, let code, let detail):
                        try await emit(.problem(RejectInput(input: path, code: code, detail: detail)))
                    case .vanished(let relative, let path):
                        let key = source.keyPrefix + relative
                        if let shard, !shard.owns(key) { continue }
                        try await emit(.problem(RejectInput(input: path, code: .vanished, key: key)))
                    case .unreadable(let path, _, let detail):
                        try await emit(
                            .problem(
                                RejectInput(
                                    input: path, code: .unreadableFolder,
                                    detail: detail + "; its documents are kept and it is read again next run")))
                    }
                }
                // A folder replaced or unmounted while it was read looks like a folder whose files vanished:
                // a failure, so that nothing of it is pruned.
                if let root, Self.identity(source.path) != root {
                    try await emit(
                        .problem(
                            RejectInput(
                                input: source.path, code: .sourceChanged,
                                detail: "its device or inode changed (replaced, mounted or unmounted) while the run read it")))
                }
            case .jsonl:
                let finished = try await readJSONLines(source, index: index, shouldStop: shouldStop) {
                    try await emit($0)
                }
                if !finished { return }
            }
            try await body(.sourceFinished(report))
        }
    }

    // MARK: - Files

    func readFile(path: String, key: String, source: Int) -> ReadItem {
        func document(_ content: ReadDocument.Content, hash: String) -> ReadItem {
            .document(
                ReadDocument(
                    key: key, source: path, input: path, content: content, contentHash: hash,
                    metadata: ["path": .string(key)], sourceIndex: source))
        }
        func failure(_ code: RejectReason, _ detail: String) -> ReadItem {
            .problem(RejectInput(input: path, code: code, detail: detail, key: key))
        }
        if faults.stalls.contains(key) { Self.stall(key) }
        faults.pause(at: key)
        if faults.readFailures.contains(key) { return failure(.readError, "read: Input/output error (injected)") }
        switch DocumentFile.read(path, limit: maxDocumentBytes) {
        case .bytes(let bytes):
            return document(.bytes(bytes), hash: SHA256.hex(bytes))
        case .tooLarge(let size, let stamp):
            // Not read: identified by size and modification time, so an unchanged oversized file stays skipped.
            return document(.oversized(size: size), hash: SHA256.hex(Array(stamp.utf8)))
        case .notRegular(let kind):
            return .problem(RejectInput(input: path, code: .notRegularFile, detail: kind))
        case .grew:
            return failure(.changedWhileRead, "grew past \(maxDocumentBytes) bytes while it was read")
        case .vanished:
            return failure(.vanished, "listed, then gone before it was read; not pruned this run")
        case .failed(let operation, let message):
            return failure(.readError, "\(operation): \(message)")
        }
    }

    /// Blocks the calling thread for good, as a read from a hung network filesystem would (the `stall` fault).
    private static func stall(_ key: String) -> Never {
        System.writeStandardError("ovindex: fault: stalling the read of \(key)\n")
        while true { System.sleep(3600) }
    }

    // MARK: - JSON Lines

    /// Reads a JSON Lines source; false when it stopped early (`shouldStop`).
    private func readJSONLines(
        _ source: PipelineDefinition.Source, index: Int, shouldStop: @Sendable () -> Bool,
        _ emit: (ReadItem) async throws -> Void
    ) async throws -> Bool {
        let reader: LineReader
        do {
            // A record holds the text plus JSON syntax and metadata: allow some room beyond the text limit.
            reader = try LineReader(path: source.path, maximumBytes: maxDocumentBytes + 64 * 1024)
        } catch {
            try await emit(.problem(RejectInput(input: source.path, code: .readError, detail: error.message)))
            return true
        }
        while true {
            if shouldStop() { return false }
            let line: LineReader.Line
            do {
                guard let next = try reader.next() else { return true }
                line = next
            } catch {
                try await emit(.problem(RejectInput(input: source.path, code: .readError, detail: error.message)))
                return true
            }
            switch line {
            case .tooLong(let number, let byteCount):
                try await emit(
                    .problem(
                        RejectInput(
                            input: source.path, line: number, code: .documentTooLarge,
                            limit: "\(maxDocumentBytes) bytes", detail: "line of \(byteCount) bytes")))
            case .text(let number, let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                try await emit(record(bytes, line: number, source: source, index: index))
            }
        }
    }

    /// One JSON Lines record: decoded, its id and text checked (`Validator.recordID`, `recordText`); its
    /// content is validated by the next stage like a file's.
    func record(_ bytes: [UInt8], line: Int, source: PipelineDefinition.Source, index: Int) -> ReadItem {
        func problem(_ code: RejectReason, _ detail: String? = nil, reason: String? = nil) -> ReadItem {
            .problem(RejectInput(input: source.path, line: line, code: code, reason: reason, detail: detail))
        }
        if let invalid = UTF8Validation.firstInvalidOffset(bytes) {
            return problem(.invalidUTF8, "at byte \(invalid + 1)")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            return problem(.invalidJSON, error.description)
        }
        guard case .object(let members) = value else { return problem(.notAnObject, value.kindDescription) }
        let id: String
        let text: String
        switch Validator.recordID(members[source.idField], field: source.idField) {
        case .success(let value): id = value
        case .failure(let rule): return problem(rule.code, rule.detail, reason: rule.reason)
        }
        switch Validator.recordText(members[source.textField], field: source.textField) {
        case .success(let value): text = value
        case .failure(let rule): return problem(rule.code, rule.detail, reason: rule.reason)
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
        // The hash covers the metadata too: a changed field must reach the store (filters use it).
        let hashed = JSONWriter.canonical(.object(metadata))
        var hasher = SHA256()
        hasher.update(textBytes)
        hasher.update([0])
        hasher.update(Array(hashed.utf8))
        return .document(
            ReadDocument(
                key: source.keyPrefix + id, source: source.path, input: source.path, line: line,
                content: .bytes(textBytes), contentHash: SHA256.hexString(hasher.finalize()), metadata: metadata,
                sourceIndex: index))
    }

    static func isFolder(_ path: String) -> Bool {
        System.stat(path)?.isDirectory == true
    }

    /// A path's device and inode (symbolic links followed), or nil when it does not exist.
    static func identity(_ path: String) -> [UInt64]? {
        guard let info = System.stat(path) else { return nil }
        return [info.device, info.inode]
    }

    static func fileSize(_ path: String) -> Int? {
        guard let info = System.stat(path), info.isRegularFile else { return nil }
        return info.size
    }
}
