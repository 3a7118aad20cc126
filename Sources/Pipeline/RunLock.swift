#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a store for the length of a run, so two runs never write one store at once.
///
/// The lock is taken on the store file itself (an open-file-description lock on one byte far beyond anything
/// SQLite locks), so it follows the file's identity, not the path it was reached by: two runs on one store
/// through a symbolic link, a hard link or a bind mount still exclude each other. The kernel releases it when
/// the process ends, however it ends (SIGKILL included), so a run that holds it knows that any run still marked
/// "running" in the store was killed.
public final class RunLock {
    public let path: String
    private let descriptor: Int32

    /// The locked byte: SQLite's own locks sit near 1 GiB (the pending byte); this one is far past any of them.
    static let offset: off_t = 1 << 62
    /// `F_OFD_SETLK` (Linux ≥ 3.15), which Glibc's Swift module does not export.
    static let setOpenFileLock: Int32 = 37

    /// Opens (creating it when missing) and locks the store file.
    ///
    /// - Throws: `RunLockError` with kind `.busy` when another process holds the lock, `.io` when the store
    ///   cannot be opened for writing (read-only media, a missing folder).
    public init(store: String) throws(RunLockError) {
        path = store
        let fd = open(store, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw RunLockError(
                path: store, kind: .io,
                message: code == ENOENT
                    ? "cannot create the store: its folder does not exist"
                    : "cannot open the store for writing: \(String(cString: strerror(code)))")
        }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = Self.offset
        lock.l_len = 1
        guard fcntl(fd, Self.setOpenFileLock, &lock) == 0 else {
            let code = errno
            close(fd)
            if code == EAGAIN || code == EACCES {
                throw RunLockError(path: store, kind: .busy, message: "another ovindex run is writing to this store")
            }
            throw RunLockError(
                path: store, kind: .io, message: "cannot lock the store: \(String(cString: strerror(code)))")
        }
        descriptor = fd
    }

    deinit {
        // Closing the last descriptor of the open file description releases the lock.
        close(descriptor)
    }
}

public struct RunLockError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Another process holds the lock.
        case busy
        /// The store cannot be opened or locked (read-only media, missing folder, a filesystem without locks).
        case io
    }

    public var path: String
    public var kind: Kind
    public var message: String

    public init(path: String, kind: Kind, message: String) {
        self.path = path
        self.kind = kind
        self.message = message
    }

    public var description: String { "store \(path): \(message)" }
}
