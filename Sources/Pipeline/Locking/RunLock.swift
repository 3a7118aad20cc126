import Host

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
    static let offset: Int64 = 1 << 62

    /// Opens (creating it when missing) and locks the store file.
    ///
    /// - Throws: `RunLockError` with kind `.busy` when another process holds the lock, `.io` when the store
    ///   cannot be opened for writing (read-only media, a missing folder).
    public init(store: String) throws(RunLockError) {
        path = store
        // Only a regular file (or a new one) is a store: a fifo would block, a device would be overwritten.
        let info = System.stat(store)
        let existed = info != nil
        if let info, !info.isRegularFile {
            throw RunLockError(path: store, kind: .notAStore, message: "is not a regular file, so not a store")
        }
        if let info, info.linkCount > 1 {
            // SQLite names a store's WAL after the path: two names would be two logs for one file.
            throw RunLockError(
                path: store, kind: .notAStore,
                message: "has \(info.linkCount) hard links: a store must have one name (SQLite keeps its write-ahead "
                    + "log beside the name it was opened by); copy it instead of linking it")
        }
        let fd = System.open(store, [.readWrite, .create, .nonBlocking, .closeOnExec], permissions: 0o644)
        guard fd >= 0 else {
            let code = System.lastError
            let dangling = code == System.Errno.noSuchFile && System.lstat(store) != nil
            throw RunLockError(
                path: store, kind: .io,
                message: dangling
                    ? "is a symbolic link to \(Self.destination(store)), which cannot be created (its folder does not exist)"
                    : code == System.Errno.noSuchFile
                        ? "cannot create the store: its folder does not exist"
                        : "cannot open the store for writing: \(System.errorText(code))")
        }
        guard System.fstat(fd)?.isRegularFile == true else {
            System.close(fd)
            throw RunLockError(path: store, kind: .notAStore, message: "is not a regular file, so not a store")
        }
        created = !existed
        guard System.lockByte(fd, at: Self.offset) == 0 else {
            let code = System.lastError
            System.close(fd)
            if code == System.Errno.tryAgain || code == System.Errno.permissionDenied {
                throw RunLockError(path: store, kind: .busy, message: "another ovindex run is writing to this store")
            }
            throw RunLockError(
                path: store, kind: .io, message: "cannot lock the store: \(System.errorText(code))")
        }
        descriptor = fd
    }

    deinit {
        // Closing the last descriptor of the open file description releases the lock.
        System.close(descriptor)
    }

    /// True when this lock created the store file (it did not exist).
    public let created: Bool

    /// Removes the store file (and its WAL files) when this lock created it: a store whose creation failed
    /// (a full disk) is not left behind as an empty file that later commands misread.
    public func removeIfCreated() {
        guard created else { return }
        for suffix in ["", "-wal", "-shm", "-journal"] { System.unlink(path + suffix) }
    }

    static func destination(_ path: String) -> String {
        System.readlink(path) ?? "?"
    }
}
