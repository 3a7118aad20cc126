import Host

/// Writes to a file descriptor: standard output through an in-memory buffer (fast for millions of small JSON
/// writes), standard error at once.
///
/// Commands write all their output through `Terminal.output` and `Terminal.errors` (never `print`), so that
/// nothing is reordered between buffers. `errors` keeps no buffer, so that any thread may write to it (the
/// progress line's timer does); `output` and files are written from the command's task only.
final class Terminal {
    let fileDescriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int

    private init(fileDescriptor: Int32, capacity: Int) {
        self.fileDescriptor = fileDescriptor
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    // nonisolated(unsafe): `output` is touched from the command's task only; `errors` has no mutable state
    // (every write goes straight to the descriptor).
    /// Standard output, flushed when 64 KB accumulate and at exit.
    nonisolated(unsafe) static let output = Terminal(fileDescriptor: 1, capacity: 1 << 16)
    /// Standard error, written at once (messages and progress must show at once).
    nonisolated(unsafe) static let errors = Terminal(fileDescriptor: 2, capacity: 0)

    /// A buffered writer for an open file (the caller closes the descriptor after `flush`).
    static func file(descriptor: Int32) -> Terminal {
        Terminal(fileDescriptor: descriptor, capacity: 1 << 16)
    }

    func write(_ text: String) {
        append(Array(text.utf8))
    }

    func write(line text: String) {
        append(Array(text.utf8) + [10])
    }

    func append(_ bytes: [UInt8]) {
        guard capacity > 0 else {
            System.writeAll(fileDescriptor, bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    func flush() {
        System.writeAll(fileDescriptor, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Whether the descriptor is an interactive terminal (progress lines, tables) rather than a file or pipe.
    var isInteractive: Bool {
        System.isTerminal(fileDescriptor)
    }
}
