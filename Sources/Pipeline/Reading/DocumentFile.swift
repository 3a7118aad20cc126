import Host

/// Reads one document file: only a regular file, opened without blocking (a fifo or a device that appears
/// between the walk and the read never holds the run), and never past the size limit.
enum DocumentFile {
    enum Outcome: Equatable {
        case bytes([UInt8])
        /// Not a regular file: what it is.
        case notRegular(String)
        /// Over the limit, not read: its size and a stamp (size and modification time) that identifies it.
        case tooLarge(size: Int, stamp: String)
        /// It grew past the limit while it was read.
        case grew
        /// It vanished between the walk and the read.
        case vanished
        /// The system refused or failed (EACCES, EIO, ...): the operation and the error.
        case failed(operation: String, message: String)
    }

    static func read(_ path: String, limit: Int) -> Outcome {
        // Look before opening: opening some devices has effects of its own.
        guard let linked = System.stat(path) else { return failure("stat", System.lastError) }
        guard linked.isRegularFile else { return .notRegular(FileWalker.kind(linked)) }
        let descriptor = System.open(path, [.readOnly, .nonBlocking, .noControllingTerminal, .closeOnExec])
        guard descriptor >= 0 else { return failure("open", System.lastError) }
        defer { System.close(descriptor) }
        guard let info = System.fstat(descriptor) else { return failure("stat", System.lastError) }
        guard info.isRegularFile else { return .notRegular(FileWalker.kind(info)) }
        let size = info.size
        if size > limit {
            let stamp = "size:\(size):\(info.modifiedSeconds).\(info.modifiedNanoseconds)"
            return .tooLarge(size: size, stamp: stamp)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { System.read(descriptor, into: $0) }
            if count < 0 { return failure("read", System.lastError) }
            if count == 0 { break }
            bytes.append(contentsOf: block.prefix(count))
            if bytes.count > limit { return .grew }
        }
        return .bytes(bytes)
    }

    private static func failure(_ operation: String, _ code: Int32) -> Outcome {
        code == System.Errno.noSuchFile ? .vanished : .failed(operation: operation, message: FileWalker.error(code))
    }
}
