#if canImport(Glibc)
    import Glibc
#endif

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
        var info = stat()
        guard stat(path, &info) == 0 else { return failure("stat", errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .notRegular(FileWalker.kind(info.st_mode)) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return failure("open", errno) }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else { return failure("stat", errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .notRegular(FileWalker.kind(info.st_mode)) }
        let size = Int(info.st_size)
        if size > limit {
            let stamp = "size:\(size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            return .tooLarge(size: size, stamp: stamp)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return failure("read", errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: block.prefix(count))
            if bytes.count > limit { return .grew }
        }
        return .bytes(bytes)
    }

    private static func failure(_ operation: String, _ code: Int32) -> Outcome {
        code == ENOENT ? .vanished : .failed(operation: operation, message: FileWalker.error(code))
    }
}
