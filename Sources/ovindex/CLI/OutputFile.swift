import Host

/// Standard output, or a file given with --output: buffered, closed (and checked) at the end.
final class OutputFile {
    let terminal: Terminal
    let descriptor: Int32
    let path: String?

    /// - Parameter refusal: the status when the file cannot be created.
    init(path: String?, refusal: ExitStatus = .ioError) throws {
        self.path = path
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
