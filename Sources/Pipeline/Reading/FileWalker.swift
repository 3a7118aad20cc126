import Foundation
import Host
import Store

/// Walks a source folder depth first in sorted order, one directory listing at a time (never the whole tree),
/// and says what it did with every entry: a file to read, or a path it skipped and why.
///
/// Rules (docs/indexing.md, "What a run reads"):
/// - hidden entries (names starting with a dot) are not part of the corpus; files the include/exclude globs do
///   not select are not either. Neither is reported.
/// - every other entry is either read or reported: names that are not UTF-8, paths longer than PATH_MAX,
///   entries that are not regular files or folders (fifos, sockets, devices), broken links, links to folders,
///   folders that cannot be listed.
/// - symbolic links are followed only when their target is inside the source root, unless the source says
///   `follow_symlinks`; links to folders are never followed inside the root (their files are read where they
///   are) and, with `follow_symlinks`, followed outside it once each (no loops).
/// - the store's own files are never read, and not reported.
struct FileWalker {
    enum Entry: Equatable {
        /// A file to read: its path relative to the source root and the path to open.
        case file(relative: String, path: String)
        /// A path not read, for good (it is what it is): a reject.
        case skipped(path: String, code: RejectReason, detail: String?)
        /// A folder that could not be listed (permissions, I/O): a failure, retried by the next run.
        case unreadable(path: String, relative: String, detail: String)
        /// An entry that was listed and then gone (deleted during the run, or an unmounted source): a failure,
        /// so that its document is not pruned this run.
        case vanished(relative: String, path: String)
    }

    private struct Level {
        var folder: String
        /// The folder's real path (symbolic links resolved), to tell what lies inside the root.
        var realFolder: String
        var relative: String
        var names: [Name]
        var index = 0
    }

    /// A directory entry's name: its text when it is UTF-8, else its bytes shown with `\xNN` escapes.
    private struct Name {
        var text: String
        var valid: Bool
    }

    private let source: PipelineDefinition.Source
    private let excluded: Set<String>
    private let faults: FaultPlan
    private var stack: [Level] = []
    private var single: String?
    private var realRoot = ""
    private var pending: [Entry] = []
    /// Folders entered through links (device, inode), so that following links cannot loop.
    private var visited: Set<[UInt64]> = []

    /// - Parameter excluded: real paths never to read (the store's own files).
    init(_ source: PipelineDefinition.Source, excluded: Set<String> = [], faults: FaultPlan = .none) {
        self.source = source
        self.excluded = excluded
        self.faults = faults
        guard let info = System.stat(source.path) else { return }
        if info.isDirectory {
            realRoot = Self.realPath(source.path) ?? source.path
            visited.insert([info.device, info.inode])
            if let level = level(source.path, realFolder: realRoot, relative: "") { stack = [level] }
        } else {
            single = source.path
        }
    }

    mutating func next() -> Entry? {
        if let file = single {
            single = nil
            return .file(relative: URL(fileURLWithPath: file).lastPathComponent, path: file)
        }
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            guard var top = stack.popLast() else { return nil }
            guard top.index < top.names.count else { continue }
            let name = top.names[top.index]
            top.index += 1
            stack.append(top)
            if let entry = visit(name, in: top) { return entry }
        }
    }

    /// What to do with one entry of a listed folder: nil when it is not part of the corpus (or is a folder
    /// pushed onto the stack).
    private mutating func visit(_ name: Name, in level: Level) -> Entry? {
        let path = level.folder + "/" + name.text
        let relative = level.relative.isEmpty ? name.text : level.relative + "/" + name.text
        guard name.valid else {
            return .skipped(path: path, code: .nameNotUTF8, detail: "bytes shown as \\xNN")
        }
        guard path.utf8.count < System.pathMax else {
            return .skipped(
                path: String(path.prefix(200)) + "…",
                code: .pathTooLong, detail: "\(path.utf8.count) bytes, over PATH_MAX (\(System.pathMax))")
        }
        guard let info = System.lstat(path) else {
            return selects(relative) ? .vanished(relative: relative, path: path) : nil
        }
        let realPath = level.realFolder + "/" + name.text
        switch info.kind {
        case .directory:
            // A folder the exclude globs cover entirely is not part of the corpus: not even listed.
            if excludesAll(relative) { return nil }
            enter(path, realFolder: realPath, relative: relative, identity: nil)
            return nil
        case .symbolicLink:
            return followLink(path, relative: relative)
        default:
            guard selects(relative) else { return nil }
            if excluded.contains(realPath) { return nil }
            if !info.isRegularFile {
                return .skipped(path: path, code: .notRegularFile, detail: Self.kind(info))
            }
            return .file(relative: relative, path: path)
        }
    }

    private mutating func followLink(_ path: String, relative: String) -> Entry? {
        guard let target = Self.realPath(path) else {
            let code = System.lastError
            let destination = Self.linkDestination(path) ?? "?"
            if code == System.Errno.noSuchFile {
                return selects(relative)
                    ? .skipped(path: path, code: .brokenLink, detail: "to \(destination)") : nil
            }
            return .skipped(path: path, code: .brokenLink, detail: "cannot be resolved: \(Self.error(code))")
        }
        guard let info = System.stat(target) else {
            return .skipped(path: path, code: .brokenLink, detail: "to \(target)")
        }
        let inside = target == realRoot || target.hasPrefix(realRoot + "/")
        if info.isDirectory {
            if excludesAll(relative) { return nil }
            guard !inside else {
                return .skipped(
                    path: path, code: .linkToFolder, detail: "inside the source: its files are read where they are, \(target)")
            }
            guard source.followSymlinks else {
                return .skipped(
                    path: path, code: .linkOutsideSource, detail: "to the folder \(target); set follow_symlinks to read it")
            }
            enter(path, realFolder: target, relative: relative, identity: [info.device, info.inode])
            return nil
        }
        guard selects(relative) else { return nil }
        if excluded.contains(target) { return nil }
        guard inside || source.followSymlinks else {
            return .skipped(
                path: path, code: .linkOutsideSource, detail: "to \(target); set follow_symlinks to read it")
        }
        if !info.isRegularFile {
            return .skipped(path: path, code: .notRegularFile, detail: Self.kind(info) + " \(target)")
        }
        return .file(relative: relative, path: path)
    }

    /// Lists a folder and pushes it; a folder that cannot be listed becomes a pending `unreadable` entry.
    private mutating func enter(_ path: String, realFolder: String, relative: String, identity: [UInt64]?) {
        if let identity {
            guard visited.insert(identity).inserted else {
                pending.append(
                    .skipped(
                        path: path, code: .linkToFolder, detail: "to a folder already read (a loop): \(realFolder)"))
                return
            }
        }
        if let level = level(path, realFolder: realFolder, relative: relative) { stack.append(level) }
    }

    private mutating func level(_ folder: String, realFolder: String, relative: String) -> Level? {
        if faults.listFailures.contains(relative) {
            let detail = Self.error(System.Errno.permissionDenied) + " (injected)"
            pending.append(.unreadable(path: folder, relative: relative, detail: detail))
            return nil
        }
        guard let directory = System.Directory(folder) else {
            pending.append(.unreadable(path: folder, relative: relative, detail: Self.error(System.lastError)))
            return nil
        }
        var names: [Name] = []
        while let bytes = directory.next() {
            guard bytes.first != UInt8(ascii: ".") else { continue }
            if let text = String(validating: bytes, as: UTF8.self) {
                names.append(Name(text: text, valid: true))
            } else {
                names.append(Name(text: Self.escaped(bytes), valid: false))
            }
        }
        if directory.error != 0 {
            pending.append(.unreadable(path: folder, relative: relative, detail: Self.error(directory.error)))
            return nil
        }
        return Level(folder: folder, realFolder: realFolder, relative: relative, names: names.sorted { $0.text < $1.text })
    }

    private func excludesAll(_ relative: String) -> Bool {
        source.exclude.contains { $0.coversEverything(under: relative) }
    }

    private func selects(_ relative: String) -> Bool {
        source.include.contains { $0.matches(relative) } && !source.exclude.contains { $0.matches(relative) }
    }

    // MARK: - Helpers

    static func realPath(_ path: String) -> String? {
        System.realpath(path)
    }

    static func linkDestination(_ path: String) -> String? {
        System.readlink(path)
    }

    static func kind(_ status: FileStatus) -> String {
        switch status.kind {
        case .fifo: "fifo"
        case .socket: "socket"
        case .characterDevice: "character device"
        case .blockDevice: "block device"
        case .directory: "folder"
        case .symbolicLink: "symbolic link"
        case .regularFile, .other: "special file"
        }
    }

    static func error(_ code: Int32) -> String {
        System.errorText(code)
    }

    /// Bytes as text, each byte that is not printable ASCII written `\xNN`.
    static func escaped(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return text
    }
}
