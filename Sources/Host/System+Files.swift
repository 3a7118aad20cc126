// System's file calls (see System.swift): status, names, directories, temporary files and stdio streams.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension System {
    /// stat(2) (symbolic links followed), or nil.
    public static func stat(_ path: String) -> FileStatus? { c_stat(path) }

    /// lstat(2) (a symbolic link itself), or nil.
    public static func lstat(_ path: String) -> FileStatus? { c_lstat(path) }

    /// fstat(2), or nil.
    public static func fstat(_ descriptor: Int32) -> FileStatus? { c_fstat(descriptor) }

    /// access(2)'s modes.
    public struct AccessMode: Sendable {
        let rawValue: Int32
        public static let exists = AccessMode(rawValue: F_OK)
        public static let readable = AccessMode(rawValue: R_OK)
        public static let writable = AccessMode(rawValue: W_OK)
    }

    /// access(2): 0, or -1.
    public static func access(_ path: String, _ mode: AccessMode) -> Int32 { c_access(path, mode.rawValue) }

    /// rename(2): 0, or -1.
    @discardableResult
    public static func rename(_ source: String, _ destination: String) -> Int32 { c_rename(source, destination) }

    /// link(2): 0, or -1 (`Errno.exists` when `destination` exists).
    @discardableResult
    public static func link(_ source: String, _ destination: String) -> Int32 { c_link(source, destination) }

    /// unlink(2): 0, or -1.
    @discardableResult
    public static func unlink(_ path: String) -> Int32 { c_unlink(path) }

    /// realpath(3): the path with every symbolic link, `.` and `..` resolved, or nil.
    public static func realpath(_ path: String) -> String? { c_realpath(path) }

    /// readlink(2): where a symbolic link points (its bytes as UTF-8, invalid ones replaced), or nil.
    public static func readlink(_ path: String) -> String? { c_readlink(path) }

    /// PATH_MAX: the longest path the system takes, in bytes.
    public static let pathMax = Int(PATH_MAX)

    /// mkstemp(3) on `prefix` + "XXXXXX": a new file's descriptor and path, or nil.
    public static func makeTemporaryFile(prefix: String) -> (descriptor: Int32, path: String)? {
        var template = Array((prefix + "XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else { return nil }
        return (descriptor, String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// A stdio stream (`FILE *`): buffered writes of many small pieces.
    public struct Stream {
        fileprivate let file: OpaquePointer
    }

    /// fdopen(3): a stream over `descriptor` (closed with it), or nil.
    public static func openStream(_ descriptor: Int32, mode: String) -> Stream? {
        fdopen(descriptor, mode).map { Stream(file: OpaquePointer($0)) }
    }

    /// fclose(3).
    @discardableResult
    public static func close(_ stream: Stream) -> Int32 { fclose(stream.pointer) }

    /// fwrite(3): the count written.
    @discardableResult
    public static func write(_ stream: Stream, _ bytes: UnsafeRawBufferPointer) -> Int {
        fwrite(bytes.baseAddress, 1, bytes.count, stream.pointer)
    }

    /// fread(3): the count read; 0 at the end or on an error (then `hasError`).
    public static func read(_ stream: Stream, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        fread(buffer.baseAddress, 1, buffer.count, stream.pointer)
    }

    /// fflush(3): 0, or EOF.
    public static func flush(_ stream: Stream) -> Int32 { fflush(stream.pointer) }

    /// ferror(3): whether a read or write of the stream failed.
    public static func hasError(_ stream: Stream) -> Bool { ferror(stream.pointer) != 0 }

    /// rewind(3): back to the start, for reading what was written.
    public static func rewind(_ stream: Stream) { c_rewind(stream.pointer) }

    /// A directory's entries, one at a time (opendir, readdir); closed when released.
    public final class Directory {
        #if canImport(Glibc)
            private let stream: OpaquePointer
        #else
            private let stream: UnsafeMutablePointer<DIR>
        #endif
        /// errno when `next()` stopped on an error rather than at the end; 0 otherwise.
        public private(set) var error: Int32 = 0

        /// opendir(3); nil when the directory cannot be opened (the reason in `System.lastError`).
        public init?(_ path: String) {
            guard let stream = opendir(path) else { return nil }
            self.stream = stream
        }

        deinit { closedir(stream) }

        /// readdir(3): the next entry's name as bytes ("." and ".." included); nil at the end or on an error.
        public func next() -> [UInt8]? {
            errno = 0
            guard let entry = readdir(stream) else {
                error = errno
                return nil
            }
            return withUnsafeBytes(of: &entry.pointee.d_name) { raw in Array(raw.prefix(while: { $0 != 0 })) }
        }
    }
}

/// What stat(2) tells of a file, as far as ovindex asks.
public struct FileStatus: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case regularFile, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, other
    }

    public var kind: Kind
    /// st_dev, st_ino: the file's identity.
    public var device: UInt64
    public var inode: UInt64
    public var size: Int
    /// st_nlink: how many names (hard links) the file has.
    public var linkCount: Int
    /// st_mtim: the last change of the content, in seconds and nanoseconds.
    public var modifiedSeconds: Int
    public var modifiedNanoseconds: Int
    /// st_ctim: the last change of the content or the metadata.
    public var changedSeconds: Int
    public var changedNanoseconds: Int

    public var isRegularFile: Bool { kind == .regularFile }
    public var isDirectory: Bool { kind == .directory }
    public var isSymbolicLink: Bool { kind == .symbolicLink }
    public var isFIFO: Bool { kind == .fifo }
}

// MARK: - The C calls

// Here, at file scope, the C names are not hidden by System's own.

extension System.Stream {
    fileprivate var pointer: UnsafeMutablePointer<FILE> { UnsafeMutablePointer(file) }
}

extension FileStatus {
    fileprivate init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regularFile
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        default: kind = .other
        }
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(truncatingIfNeeded: info.st_ino)
        size = Int(info.st_size)
        linkCount = Int(info.st_nlink)
        #if canImport(Glibc)
            let (modified, changed) = (info.st_mtim, info.st_ctim)
        #else
            let (modified, changed) = (info.st_mtimespec, info.st_ctimespec)
        #endif
        (modifiedSeconds, modifiedNanoseconds) = (Int(modified.tv_sec), Int(modified.tv_nsec))
        (changedSeconds, changedNanoseconds) = (Int(changed.tv_sec), Int(changed.tv_nsec))
    }
}

private func c_access(_ path: String, _ mode: Int32) -> Int32 { access(path, mode) }
private func c_rename(_ source: String, _ destination: String) -> Int32 { rename(source, destination) }
private func c_link(_ source: String, _ destination: String) -> Int32 { link(source, destination) }
private func c_unlink(_ path: String) -> Int32 { unlink(path) }
private func c_rewind(_ file: UnsafeMutablePointer<FILE>) { rewind(file) }

private func c_stat(_ path: String) -> FileStatus? {
    var info = stat()
    return stat(path, &info) == 0 ? FileStatus(info) : nil
}

private func c_lstat(_ path: String) -> FileStatus? {
    var info = stat()
    return lstat(path, &info) == 0 ? FileStatus(info) : nil
}

private func c_fstat(_ fd: Int32) -> FileStatus? {
    var info = stat()
    return fstat(fd, &info) == 0 ? FileStatus(info) : nil
}

private func c_realpath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

private func c_readlink(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count >= 0 else { return nil }
    return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
