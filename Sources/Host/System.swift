// With System+Files.swift, the only place that sees the C library: every POSIX call ovindex makes goes through
// `System`, so that the rest of the code has Swift types, errno's text has one home, and a port has one place to
// read (as swift-nio keeps its calls in NIOPosix/System.swift). Linux (Glibc) is what is built and tested; the
// Darwin branch is kept compiling in principle.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin wrappers over the C library calls ovindex makes. They keep C's conventions (-1 or nil on failure, the
/// reason in `lastError`) so that every caller decides as it did; reads and writes retry when a signal
/// interrupts them (EINTR), as every caller did.
public enum System {
    // MARK: - Errors

    /// errno: why the last failed call failed.
    public static var lastError: Int32 { errno }

    /// The text of an errno value, as strerror(3) gives it ("No such file or directory").
    public static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// The text of `lastError`.
    public static var lastErrorText: String { errorText(errno) }

    /// The errno values callers tell apart.
    public enum Errno {
        public static let interrupted = EINTR
        public static let noSuchFile = ENOENT
        public static let permissionDenied = EACCES
        public static let tryAgain = EAGAIN
        public static let wouldBlock = EWOULDBLOCK
        public static let exists = EEXIST
    }

    // MARK: - Descriptors

    /// open(2)'s flags.
    public struct OpenFlags: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let readOnly = OpenFlags(rawValue: O_RDONLY)
        public static let writeOnly = OpenFlags(rawValue: O_WRONLY)
        public static let readWrite = OpenFlags(rawValue: O_RDWR)
        public static let create = OpenFlags(rawValue: O_CREAT)
        public static let exclusive = OpenFlags(rawValue: O_EXCL)
        public static let truncate = OpenFlags(rawValue: O_TRUNC)
        public static let nonBlocking = OpenFlags(rawValue: O_NONBLOCK)
        public static let noControllingTerminal = OpenFlags(rawValue: O_NOCTTY)
        public static let closeOnExec = OpenFlags(rawValue: O_CLOEXEC)
        public static let directory = OpenFlags(rawValue: O_DIRECTORY)
        public static let noFollow = OpenFlags(rawValue: O_NOFOLLOW)
    }

    /// open(2): a descriptor, or -1. `permissions` are those of a file `.create` makes.
    public static func open(_ path: String, _ flags: OpenFlags, permissions: UInt32 = 0o644) -> Int32 {
        c_open(path, flags.rawValue, mode_t(permissions))
    }

    /// read(2) into `buffer`: the count read (0 at the end), or -1.
    public static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let count = c_read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            return count
        }
    }

    /// write(2) of `bytes`: the count written (maybe fewer), or -1.
    @discardableResult
    public static func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        while true {
            let count = c_write(descriptor, bytes.baseAddress, bytes.count)
            if count < 0 && errno == EINTR { continue }
            return count
        }
    }

    /// Writes every byte of `bytes` to `descriptor`, or as many as it takes: on a closed pipe or a full disk the
    /// rest is dropped, as nothing more can be written there.
    public static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let count = write(descriptor, UnsafeRawBufferPointer(rebasing: raw[offset...]))
                if count <= 0 { return }
                offset += count
            }
        }
    }

    /// Writes `text` to standard error at once: the one writer of messages that must show now, safe from any
    /// thread (it keeps no buffer).
    public static func writeStandardError(_ text: String) {
        writeAll(2, Array(text.utf8))
    }

    /// close(2): 0, or -1 (on NFS, a write error fsync did not report).
    @discardableResult
    public static func close(_ descriptor: Int32) -> Int32 { c_close(descriptor) }

    /// fsync(2): 0, or -1.
    @discardableResult
    public static func fsync(_ descriptor: Int32) -> Int32 { c_fsync(descriptor) }

    /// flock(2) with LOCK_EX | LOCK_NB: 0, or -1 (`Errno.wouldBlock` while another description holds it).
    public static func lockExclusively(_ descriptor: Int32) -> Int32 { flock(descriptor, LOCK_EX | LOCK_NB) }

    /// An exclusive lock on the one byte at `offset`, held by the open file description (fcntl F_OFD_SETLK,
    /// Linux 3.15 and later; Darwin has none, and takes a process lock): 0, or -1 (`Errno.tryAgain` or
    /// `Errno.permissionDenied` while another holds it).
    public static func lockByte(_ descriptor: Int32, at offset: Int64) -> Int32 {
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = off_t(offset)
        lock.l_len = 1
        #if canImport(Glibc)
            let command: Int32 = 37  // F_OFD_SETLK, which Glibc's Swift module does not export
        #else
            let command = F_SETLK
        #endif
        return fcntl(descriptor, command, &lock)
    }

    /// isatty(3): whether the descriptor is an interactive terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) != 0 }

    // MARK: - Process

    /// getpid(2).
    public static func getpid() -> Int32 { c_getpid() }

    /// The host's name (gethostname(2)), "" when it has none.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// time(3): seconds since the epoch.
    public static func currentTime() -> Int { Int(time(nil)) }

    /// The CPUs online (sysconf _SC_NPROCESSORS_ONLN).
    public static func onlineProcessorCount() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// usleep(3).
    public static func usleep(_ microseconds: UInt32) { c_usleep(microseconds) }

    /// sleep(3).
    public static func sleep(_ seconds: UInt32) { c_sleep(seconds) }

    /// The signals a run turns into a graceful shutdown.
    public enum Signal {
        public static let interrupt = SIGINT
        public static let terminate = SIGTERM
    }

    /// signal(2) with SIG_IGN: `number` no longer stops the process (a Dispatch source can still see it).
    public static func ignore(signal number: Int32) { _ = signal(number, SIG_IGN) }

    /// signal(2) with SIG_DFL.
    public static func restoreDefault(signal number: Int32) { _ = signal(number, SIG_DFL) }

    /// exit(3): flushes stdio, runs the exit handlers.
    public static func exit(_ status: Int32) -> Never { c_exit(status) }

    /// _exit(2): ends the process at once (no handlers, no flushing), even while other threads block.
    public static func exitImmediately(_ status: Int32) -> Never { _exit(status) }

    // MARK: - Memory

    /// strdup(3): a C copy of `string`, to release with `free`.
    public static func duplicate(_ string: String) -> UnsafeMutablePointer<CChar>? { strdup(string) }

    /// free(3).
    public static func free(_ pointer: UnsafeMutableRawPointer?) { c_free(pointer) }

    /// memchr(3): the offset of the first `byte` in `buffer`, or nil.
    public static func firstIndex(of byte: UInt8, in buffer: UnsafeRawBufferPointer) -> Int? {
        guard let base = buffer.baseAddress, let found = memchr(base, Int32(byte), buffer.count) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }
}

// MARK: - The C calls

// Here, at file scope, the C names are not hidden by System's own.

private func c_open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func c_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
private func c_write(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, bytes, count) }
private func c_close(_ fd: Int32) -> Int32 { close(fd) }
private func c_fsync(_ fd: Int32) -> Int32 { fsync(fd) }
private func c_getpid() -> Int32 { getpid() }
private func c_usleep(_ microseconds: UInt32) { _ = usleep(microseconds) }
private func c_sleep(_ seconds: UInt32) { _ = sleep(seconds) }
private func c_exit(_ status: Int32) -> Never { exit(status) }
private func c_free(_ pointer: UnsafeMutableRawPointer?) { free(pointer) }
