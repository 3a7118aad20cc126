#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a store for the length of a run (`flock` on STORE.lock), so two runs never write one
/// store at once. The kernel releases it when the process ends, however it ends (SIGKILL included), so a run
/// that holds it knows any run still marked "running" in the store was killed.
public final class RunLock {
    public let path: String
    private let descriptor: Int32

    /// - Throws: `RunLockError` when another process holds the lock, or the lock file cannot be created.
    public init(store: String) throws(RunLockError) {
        path = store + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunLockError(path: path, message: "cannot create the lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var owner = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &owner, owner.count, 0)
            close(fd)
            let pid = String(decoding: owner.prefix(max(0, count)).filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
            throw RunLockError(
                path: path,
                message: "another ovindex run is writing to this store" + (pid.isEmpty ? "" : " (pid \(pid))"))
        }
        descriptor = fd
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

public struct RunLockError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
