import Host
#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a folder of OpenVINO's model cache, held while a model is compiled through it.
///
/// OpenVINO guards its cache between the threads of one process only. Between processes sharing a folder (the
/// workers of one host, every run of one user) it raced: a process that started while another was writing a
/// blob read it half-written, took it for damaged and deleted it, and the writer then failed ("cannot set
/// permissions: No such file or directory"); a late writer truncated a blob that another process had already
/// mapped, which then died of SIGBUS. Under this lock a process looks into the cache only when no other one
/// is compiling through it, so every blob it finds is whole and no one writes a blob that someone has mapped
/// (OpenVINO deletes a blob it cannot import before writing it again, so the new one is a new file).
///
/// The lock is `flock(2)` on a file in the folder: the kernel releases it when the process ends, however it
/// ends, so a killed process never leaves the cache locked.
final class CompileCacheLock {
    static let fileName = ".ovindex-compile.lock"

    private let descriptor: Int32

    /// Takes the lock, waiting at most `timeout` for another process to release it.
    ///
    /// - Throws: `CompileCacheLockError` when the lock file cannot be opened (a read-only folder) or the wait
    ///   ran out; the caller then compiles without the cache.
    init(folder: String, timeout: Duration) throws(CompileCacheLockError) {
        let path = folder + "/" + Self.fileName
        var fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
        let createError = errno
        if fd < 0 {
            // A folder this process may only read (a volume mounted read-only) can still be locked through a lock
            // file that is already there: flock needs no write access.
            fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        }
        guard fd >= 0 else {
            throw CompileCacheLockError(
                message: "cannot open its lock file \(path): \(String(cString: strerror(createError)))")
        }
        let deadline = ContinuousClock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw CompileCacheLockError(message: "cannot lock \(path): \(String(cString: strerror(code)))")
            }
            guard ContinuousClock.now < deadline else {
                close(fd)
                throw CompileCacheLockError(
                    message: "other processes have held its lock \(path) for over \(timeout)")
            }
            usleep(20_000)
        }
        descriptor = fd
    }

    deinit {
        // Closing the only descriptor of the open file description releases the lock.
        close(descriptor)
    }

    /// The first entry of `folder` that is not a regular file, if any. OpenVINO opens a cached blob without
    /// looking at what it is: a fifo under a blob's name blocked the compile forever.
    static func irregularEntry(in folder: String) -> String? {
        guard let directory = opendir(folder) else { return nil }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != "." && name != ".." else { continue }
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0 else { continue }
            if info.st_mode & S_IFMT != S_IFREG { return folder + "/" + name }
        }
        return nil
    }
}

/// Why the compile cache's lock could not be taken: its lock file cannot be opened or locked, or other processes
/// held it too long.
struct CompileCacheLockError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension CompileCacheLockError: ExitStatusError {
    var exitStatus: ExitStatus { .failure }
}
