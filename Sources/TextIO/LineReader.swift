import Host

/// Reads a file or standard input line by line, with a limit on line length that bounds memory.
///
/// A line longer than `maximumBytes` is not kept: the reader skips to its end and reports it as `.tooLong`
/// with its length, so one huge line cannot exhaust memory and the caller can name it in an error.
/// Line endings are `\n` (a `\r` before it is dropped); the last line needs no newline.
public final class LineReader {
    public enum Line: Equatable {
        case text(number: Int, bytes: [UInt8])
        case tooLong(number: Int, byteCount: Int)

        public var number: Int {
            switch self {
            case .text(let number, _), .tooLong(let number, _): number
            }
        }
    }

    public let path: String
    public let maximumBytes: Int
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var chunk: [UInt8]
    private var chunkStart = 0
    private var chunkEnd = 0
    private var atEnd = false
    private var lineNumber = 0

    /// Opens `path`, or standard input for nil or "-".
    ///
    /// - Throws: `TextInputError` when the file cannot be opened.
    public init(path: String?, maximumBytes: Int, chunkSize: Int = 1 << 16) throws(TextInputError) {
        self.maximumBytes = maximumBytes
        chunk = [UInt8](repeating: 0, count: chunkSize)
        if let path, path != "-" {
            let fd = System.open(path, [.readOnly, .closeOnExec])
            guard fd >= 0 else {
                throw TextInputError(input: path, line: nil, message: "cannot open: \(System.lastErrorText)")
            }
            if System.fstat(fd)?.isDirectory == true {
                System.close(fd)
                throw TextInputError(input: path, line: nil, message: "is a directory, not a file")
            }
            descriptor = fd
            ownsDescriptor = true
            self.path = path
        } else {
            descriptor = 0
            ownsDescriptor = false
            self.path = "stdin"
        }
    }

    deinit {
        if ownsDescriptor { System.close(descriptor) }
    }

    /// The next line, or nil at the end of the input.
    public func next() throws(TextInputError) -> Line? {
        var line: [UInt8] = []
        var length = 0
        var sawAny = false
        while true {
            if chunkStart == chunkEnd {
                if atEnd { break }
                try refill()
                if chunkStart == chunkEnd { break }
            }
            sawAny = true
            let newline = chunk.withUnsafeBytes { buffer in
                System.firstIndex(of: 0x0A, in: UnsafeRawBufferPointer(rebasing: buffer[chunkStart..<chunkEnd]))
                    .map { chunkStart + $0 }
            }
            let end = newline ?? chunkEnd
            let count = end - chunkStart
            if length + count <= maximumBytes + 1 {  // +1 leaves room for a \r before the \n
                line.append(contentsOf: chunk[chunkStart..<end])
            } else if !line.isEmpty {
                line = []
            }
            length += count
            chunkStart = newline.map { $0 + 1 } ?? chunkEnd
            if newline != nil { break }
        }
        guard sawAny else { return nil }
        lineNumber += 1
        if line.last == 0x0D, length <= maximumBytes + 1 {
            line.removeLast()
            length -= 1
        }
        if length > maximumBytes {
            return .tooLong(number: lineNumber, byteCount: length)
        }
        return .text(number: lineNumber, bytes: line)
    }

    private func refill() throws(TextInputError) {
        chunkStart = 0
        chunkEnd = 0
        let count = chunk.withUnsafeMutableBytes { System.read(descriptor, into: $0) }
        if count < 0 {
            throw TextInputError(input: path, line: lineNumber + 1, message: "read failed: \(System.lastErrorText)")
        }
        if count == 0 { atEnd = true }
        chunkEnd = count
    }
}
