import Host

/// Writes a float32 matrix in NumPy's .npy format (version 1.0, little-endian, C order) without holding it
/// in memory: rows go to a temporary file, and `finish` writes the header, now that the row count is known,
/// followed by the rows, to the destination.
public final class NPYWriter {
    public let columns: Int
    public private(set) var rows = 0
    /// NumPy's type code: "<f4" (float32 matrices) or "<i8" (an int64 vector, one value per row).
    public let descr: String
    private let temporaryPath: String
    private let file: System.Stream

    /// - Parameter directory: where the temporary row file goes (next to the destination keeps it on one disk).
    ///
    /// - Throws: `ExportError` when the temporary file cannot be created.
    public init(columns: Int, directory: String, descr: String = "<f4") throws(ExportError) {
        self.columns = columns
        self.descr = descr
        guard let (fd, path) = System.makeTemporaryFile(prefix: directory + "/.ovindex-npy-") else {
            throw ExportError(path: directory, message: "cannot create a temporary file: \(System.lastErrorText)")
        }
        guard let file = System.openStream(fd, mode: "w+b") else {
            let message = System.lastErrorText
            System.close(fd)
            System.unlink(path)
            throw ExportError(path: path, message: "cannot open the temporary file: \(message)")
        }
        temporaryPath = path
        self.file = file
    }

    deinit {
        System.close(file)
        System.unlink(temporaryPath)
    }

    ///
    /// - Throws: `ExportError` for a row of another width than the matrix's (a damaged store's vector).
    public func append(_ row: [Float]) throws(ExportError) {
        guard row.count == columns else {
            throw ExportError(
                path: temporaryPath, message: "a row of \(row.count) values in a matrix of \(columns) columns")
        }
        #if _endian(little)
            row.withUnsafeBytes { _ = System.write(file, $0) }
        #else
            let swapped = row.map { $0.bitPattern.littleEndian }
            swapped.withUnsafeBytes { _ = System.write(file, $0) }
        #endif
        rows += 1
    }

    /// Appends one int64 value (for a writer made with descr "<i8" and one column).
    public func append(_ value: Int64) {
        precondition(descr == "<i8" && columns == 1, "an int64 value in a \(descr) matrix")
        withUnsafeBytes(of: value.littleEndian) { _ = System.write(file, $0) }
        rows += 1
    }

    /// Writes the whole .npy (header then rows) to `descriptor`.
    ///
    /// - Throws: `ExportError` when the rows could not be written or read back, or the destination written.
    public func finish(to descriptor: Int32) throws(ExportError) {
        guard System.flush(file) == 0, !System.hasError(file) else {
            throw ExportError(path: temporaryPath, message: "write failed: \(System.lastErrorText)")
        }
        try writeAll(
            descriptor,
            descr == "<i8" && columns == 1
                ? Self.header(descr: descr, shape: "(\(rows),)")
                : Self.header(descr: descr, shape: "(\(rows), \(columns))"))
        System.rewind(file)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { System.read(file, into: $0) }
            if count == 0 { break }
            try writeAll(descriptor, Array(buffer[0..<count]))
        }
        guard !System.hasError(file) else {
            throw ExportError(path: temporaryPath, message: "read failed: \(System.lastErrorText)")
        }
    }

    /// The .npy header: magic, version 1.0, length, and the dict padded so the data starts 64-byte aligned.
    public static func header(rows: Int, columns: Int) -> [UInt8] {
        header(descr: "<f4", shape: "(\(rows), \(columns))")
    }

    /// The header for any type code and shape (written as a Python tuple, e.g. "(5,)" or "(5, 384)").
    public static func header(descr: String, shape: String) -> [UInt8] {
        var dictionary = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = 10 + dictionary.utf8.count + 1
        dictionary += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = UInt16(dictionary.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dictionary.utf8)
    }

    private func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) throws(ExportError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { System.write(descriptor, $0) }
            if written < 0 {
                throw ExportError(path: "output", message: "write failed: \(System.lastErrorText)")
            }
            offset += written
        }
    }
}
