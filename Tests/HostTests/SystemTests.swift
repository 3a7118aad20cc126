import Host
import Testing

/// The wrappers keep C's conventions and say what the C calls say.
struct SystemTests {
    @Test func aFailedCallLeavesItsReasonAndStrerrorsText() {
        // errno is read at once, before anything else can change it.
        let descriptor = System.open("/nonexistent/ovindex", [.readOnly, .closeOnExec])
        let (code, text) = (System.lastError, System.lastErrorText)
        #expect(descriptor == -1 && code == System.Errno.noSuchFile && text == "No such file or directory")
        #expect(System.errorText(5) == "Input/output error")
        let status = System.stat("/nonexistent/ovindex")
        let statusCode = System.lastError
        #expect(status == nil && statusCode == System.Errno.noSuchFile)
        let directory = System.Directory("/nonexistent/ovindex")
        let directoryCode = System.lastError
        #expect(directory == nil && directoryCode == System.Errno.noSuchFile)
    }

    @Test func aFileWrittenIsToldAndReadBack() throws {
        let (descriptor, path) = try #require(System.makeTemporaryFile(prefix: "/tmp/.ovindex-system-"))
        defer { System.unlink(path) }
        let bytes = Array("one\ntwo".utf8)
        #expect(bytes.withUnsafeBytes { System.write(descriptor, $0) } == bytes.count)
        #expect(System.fsync(descriptor) == 0)
        #expect(System.close(descriptor) == 0)

        let status = try #require(System.stat(path))
        #expect(status.isRegularFile && !status.isDirectory && !status.isSymbolicLink && !status.isFIFO)
        #expect(status.size == bytes.count && status.linkCount == 1)
        #expect(System.lstat(path) == status)
        #expect(System.access(path, .readable) == 0 && System.access(path + "-none", .exists) != 0)

        let input = System.open(path, [.readOnly, .closeOnExec])
        #expect(input >= 0)
        defer { System.close(input) }
        #expect(System.fstat(input)?.inode == status.inode)
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = buffer.withUnsafeMutableBytes { System.read(input, into: $0) }
        #expect(Array(buffer[..<count]) == bytes)
        #expect(bytes.withUnsafeBytes { System.firstIndex(of: 0x0A, in: $0) } == 3)
        #expect(bytes.withUnsafeBytes { System.firstIndex(of: 0x09, in: $0) } == nil)
    }

    @Test func aSecondNameIsALinkAndAnExistingNameIsNotReplaced() throws {
        let (descriptor, path) = try #require(System.makeTemporaryFile(prefix: "/tmp/.ovindex-system-"))
        System.close(descriptor)
        defer { System.unlink(path) }
        #expect(System.link(path, path + ".twin") == 0)
        #expect(System.stat(path)?.linkCount == 2)
        let again = System.link(path, path + ".twin")
        let code = System.lastError
        #expect(again == -1 && code == System.Errno.exists)
        #expect(System.rename(path + ".twin", path + ".moved") == 0)
        #expect(System.unlink(path + ".moved") == 0)
        #expect(System.stat(path)?.linkCount == 1)
    }

    @Test func directoriesAndLinksAreToldApart() throws {
        #expect(System.stat("/")?.isDirectory == true)
        #expect(System.lstat("/proc/self/exe")?.isSymbolicLink == true)
        #expect(System.stat("/proc/self/exe")?.isRegularFile == true)
        #expect(System.readlink("/proc/self/exe") == System.realpath("/proc/self/exe"))
        #expect(System.realpath("/usr/./bin/..") == System.realpath("/usr"))

        let directory = try #require(System.Directory("/"))
        var names: [String] = []
        while let name = directory.next() { names.append(String(decoding: name, as: UTF8.self)) }
        #expect(directory.error == 0)
        #expect(names.contains(".") && names.contains("..") && names.contains("proc"))
    }

    @Test func theProcessIsDescribed() {
        #expect(System.getpid() > 0)
        #expect(System.onlineProcessorCount() >= 1)
        #expect(System.currentTime() > 1_700_000_000)
        // Linux's name of the host, as gethostname(2) reads it.
        let file = System.open("/proc/sys/kernel/hostname", [.readOnly, .closeOnExec])
        defer { System.close(file) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { System.read(file, into: $0) }
        let name = String(decoding: buffer[..<max(count, 0)], as: UTF8.self)
        #expect(count > 0 && System.hostName() + "\n" == name)
    }
}
