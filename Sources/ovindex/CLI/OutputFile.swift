import Host
import Settings

/// Standard output, or a file given with --output: buffered, closed (and checked) at the end.
final class OutputFile {
    let terminal: Terminal
    let descriptor: Int32
    let path: String?

    /// - Parameters:
    ///   - refusal: the status when the file cannot be created.
    ///   - inputs: files the command reads, with the option or argument that names them: an output that is one
    ///     of them (the same file, by any name) is refused, as opening it would empty it first.
    init(path: String?, refusal: ExitStatus = .ioError, option: String = "--output", inputs: [(String, String?)] = [])
        throws
    {
        self.path = path
        if let path, path != "-", let output = System.stat(path) {
            for (name, input) in inputs {
                guard let input, input != "-", let read = System.stat(input) else { continue }
                if read.device == output.device && read.inode == output.inode {
                    throw UsageError("\(option) \(path) is \(name) itself: writing it would erase it")
                }
            }
        }
        if let path, path != "-" {
            let fd = System.open(path, [.writeOnly, .create, .truncate, .closeOnExec])
            guard fd >= 0 else { throw CommandError(refusal, "cannot create \(path): \(System.lastErrorText)") }
            descriptor = fd
            terminal = Terminal.file(descriptor: fd)
        } else {
            descriptor = 1
            terminal = Terminal.output
        }
    }

    func close() throws {
        terminal.flush()
        if descriptor != 1 {
            if System.close(descriptor) != 0 {
                throw CommandError(.ioError, "cannot finish writing \(path ?? ""): \(System.lastErrorText)")
            }
        }
    }
}
