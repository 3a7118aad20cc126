#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to a file descriptor through an in-memory buffer: fast for millions of small JSON writes.
///
/// Commands write all their output through `Terminal.output` and `Terminal.errors` (never `print`), so that
/// nothing is reordered between buffers.
final class Terminal {
    let fileDescriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int

    private init(fileDescriptor: Int32, capacity: Int) {
        self.fileDescriptor = fileDescriptor
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    // nonisolated(unsafe): the command runs in one task; these are touched from that task only.
    /// Standard output, flushed when 64 KB accumulate and at exit.
    nonisolated(unsafe) static let output = Terminal(fileDescriptor: 1, capacity: 1 << 16)
    /// Standard error, flushed at every write (messages and progress must show at once).
    nonisolated(unsafe) static let errors = Terminal(fileDescriptor: 2, capacity: 0)

    /// A buffered writer for an open file (the caller closes the descriptor after `flush`).
    static func file(descriptor: Int32) -> Terminal {
        Terminal(fileDescriptor: descriptor, capacity: 1 << 16)
    }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    func write(line text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        append(byte: 10)
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    func append(byte: UInt8) {
        buffer.append(byte)
        if buffer.count >= capacity { flush() }
    }

    func flush() {
        buffer.withUnsafeBytes { raw in
            guard var next = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let written = systemWrite(fileDescriptor, next, left)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // a closed pipe or full disk: nothing more can be written
                }
                next += written
                left -= written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Whether the descriptor is an interactive terminal (progress lines, tables) rather than a file or pipe.
    var isInteractive: Bool {
        isatty(fileDescriptor) != 0
    }
}

private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
