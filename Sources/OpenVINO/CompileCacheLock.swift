import Host

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
        var fd = System.open(path, [.readWrite, .create, .noFollow, .nonBlocking, .closeOnExec], permissions: 0o644)
        let createError = System.lastError
        if fd < 0 {
            // A folder this process may only read (a volume mounted read-only) can still be locked through a lock
            // file that is already there: flock needs no write access.
            fd = System.open(path, [.readOnly, .noFollow, .nonBlocking, .closeOnExec])
        }
        guard fd >= 0 else {
            throw CompileCacheLockError(
                message: "cannot open its lock file \(path): \(System.errorText(createError))")
        }
        let deadline = ContinuousClock.now + timeout
        while System.lockExclusively(fd) != 0 {
            let code = System.lastError
            guard code == System.Errno.wouldBlock || code == System.Errno.interrupted else {
                System.close(fd)
                throw CompileCacheLockError(message: "cannot lock \(path): \(System.errorText(code))")
            }
            guard ContinuousClock.now < deadline else {
                System.close(fd)
                throw CompileCacheLockError(
                    message: "other processes have held its lock \(path) for over \(timeout)")
            }
            System.usleep(20_000)
        }
        descriptor = fd
    }

    deinit {
        // Closing the only descriptor of the open file description releases the lock.
        System.close(descriptor)
    }

    /// The first entry of `folder` that is not a regular file, if any. OpenVINO opens a cached blob without
    /// looking at what it is: a fifo under a blob's name blocked the compile forever.
    static func irregularEntry(in folder: String) -> String? {
        guard let directory = System.Directory(folder) else { return nil }
        while let entry = directory.next() {
            let name = String(decoding: entry, as: UTF8.self)
            guard name != "." && name != ".." else { continue }
            guard let info = System.lstat(folder + "/" + name) else { continue }
            if !info.isRegularFile { return folder + "/" + name }
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
