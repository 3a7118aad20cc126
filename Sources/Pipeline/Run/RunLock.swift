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
        // Only a regular file (or a new one) is a store: a fifo would block, a device would be overwritten.
        var info = stat()
        let existed = stat(store, &info) == 0
        if existed && info.st_mode & S_IFMT != S_IFREG {
            throw RunLockError(path: store, kind: .notAStore, message: "is not a regular file, so not a store")
        }
        if existed && info.st_nlink > 1 {
            // SQLite names a store's WAL after the path: two names would be two logs for one file.
            throw RunLockError(
                path: store, kind: .notAStore,
                message: "has \(info.st_nlink) hard links: a store must have one name (SQLite keeps its write-ahead "
                    + "log beside the name it was opened by); copy it instead of linking it")
        }
        let fd = open(store, O_RDWR | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            var link = stat()
            let dangling = code == ENOENT && lstat(store, &link) == 0
            throw RunLockError(
                path: store, kind: .io,
                message: dangling
                    ? "is a symbolic link to \(Self.destination(store)), which cannot be created (its folder does not exist)"
                    : code == ENOENT
                        ? "cannot create the store: its folder does not exist"
                        : "cannot open the store for writing: \(String(cString: strerror(code)))")
        }
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw RunLockError(path: store, kind: .notAStore, message: "is not a regular file, so not a store")
        }
        created = !existed
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

    /// True when this lock created the store file (it did not exist).
    public let created: Bool

    /// Removes the store file (and its WAL files) when this lock created it: a store whose creation failed
    /// (a full disk) is not left behind as an empty file that later commands misread.
    public func removeIfCreated() {
        guard created else { return }
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }

    static func destination(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return "?" }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
