import Foundation
import Host
import Store

/// Puts a finished store where others read it (a shared volume), so that they only ever see whole, finished
/// copies: a worker writes its store on local disk, and when its run completed, the store is copied beside the
/// target under a hidden name, flushed to disk, and renamed over the target in one step.
///
/// A store is never written on the shared volume itself: network file systems do not keep SQLite's locks and
/// write-ahead log safe. The published copy is one file in rollback-journal mode, readable without a `-shm`.
public struct Publisher: Sendable {
    /// The store the run writes (local disk).
    public let local: String
    /// Where readers find the finished copy.
    public let target: String

    /// - Parameters:
    ///   - target: a file path, or an existing folder (or a path ending in "/"): then the copy takes the local
    ///     store's file name there. With a shard, a file path gets the shard's name as `--store` does.
    /// - Throws: `PublishError` when the target is the local store itself, or its folder does not exist or
    ///   cannot be written (checked before the run does any work).
    public init(local: String, target: String, shard: Shard?) throws(PublishError) {
        self.local = local
        var isDirectory: ObjCBool = false
        let name = URL(fileURLWithPath: local).lastPathComponent
        if target.hasSuffix("/") || (FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) && isDirectory.boolValue) {
            self.target = URL(fileURLWithPath: target).appendingPathComponent(name).path
        } else {
            self.target = shard.map { $0.storePath(target) } ?? target
        }
        let folder = URL(fileURLWithPath: self.target).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PublishError(path: self.target, message: "folder \(folder) does not exist", unusableTarget: true)
        }
        guard System.access(folder, .writable) == 0 else {
            throw PublishError(
                path: self.target, message: "folder \(folder) cannot be written: \(Self.lastError())", unusableTarget: true)
        }
        if System.lstat(self.target)?.isSymbolicLink == true {
            throw PublishError(
                path: self.target,
                message: "is a symbolic link: renaming over it would replace the link, not what it points to; "
                    + "publish to the file itself", unusableTarget: true)
        }
        if Self.isSamePlace(self.target, local) {
            throw PublishError(path: self.target, message: "is the store itself: publish to another place", unusableTarget: true)
        }
        // Adopting the published copy must not put a store where stores are refused.
        if let network = FileSystem.storeRefusal(at: local) {
            throw PublishError(path: local, message: FileSystem.refusalMessage(network), unusableTarget: true)
        }
    }

    /// When the local store is gone (a new pod, a cleaned scratch disk) but a finished copy was published, copies
    /// it back so that the run resumes from it rather than from nothing. Returns whether it did.
    public func adoptPublished(faults: FaultPlan = .none) throws(PublishError) -> Bool {
        guard !FileManager.default.fileExists(atPath: local), FileManager.default.fileExists(atPath: target) else {
            return false
        }
        // A write-ahead log left without its database belongs to no store that exists any more.
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: local + suffix) {
            throw PublishError(
                path: local + suffix,
                message: "is left from a store that no longer exists: remove it before resuming from \(target)")
        }
        let incoming = local + ".adopting-\(System.getpid())"
        System.unlink(incoming)
        defer { System.unlink(incoming) }
        try Self.copy(target, to: incoming, failHalfway: faults.adopt)
        // Installed only where no store is yet: a run that created one meanwhile keeps it (link fails, EEXIST).
        guard System.link(incoming, local) == 0 else {
            if System.lastError == System.Errno.exists { return false }
            throw PublishError(path: local, message: "cannot be created from \(target): \(Self.lastError())")
        }
        Self.syncFolder(of: local)
        return true
    }

    /// What publishing did.
    public struct Outcome: Sendable {
        public var bytes: Int
        public var seconds: Double
    }

    /// Copies the local store (as of its last commit) to the target: a compact snapshot made on local disk,
    /// copied beside the target under a hidden name, flushed, and renamed over it. Readers of the target see the
    /// previous copy, or none, until the rename, and the whole new one after it.
    ///
    /// - Parameter runID: the run that completed; the store is published only while it is still the store's last
    ///   run (under the store's run lock, so that no other run can start while the snapshot is made).
    /// - Parameter holdingLock: the caller holds the store's run lock already (a merge publishing its output).
    /// - Throws: `PublishError` (I/O, or another run on the store); the target is then unchanged and nothing is
    ///   left beside it.
    public func publish(runID: Int64?, holdingLock: Bool = false, faults: FaultPlan = .none) throws(PublishError)
        -> Outcome
    {
        let clock = ContinuousClock()
        let started = clock.now
        var lock: RunLock?
        if !holdingLock {
            do {
                lock = try RunLock(store: local)
            } catch {
                throw PublishError(path: target, message: "\(local) is being written by another run (\(error)); not published")
            }
        }
        defer { withExtendedLifetime(lock) {} }
        let snapshot = local + ".publishing-\(System.getpid())"
        System.unlink(snapshot)
        defer { System.unlink(snapshot) }
        do {
            let store = try Store(path: local, mode: .readOnly)
            if let runID {
                guard let last = try store.lastRun(), last.id == runID, last.status == .completed else {
                    throw PublishError(
                        path: target, message: "\(local) was changed by another run since run #\(runID) completed; not published")
                }
            }
            try store.snapshot(to: snapshot)
        } catch let error as PublishError {
            throw error
        } catch {
            throw PublishError(path: target, message: "could not snapshot \(local): \(error)")
        }
        let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: target).lastPathComponent
        Self.removeAbandonedCopies(of: name, in: folder)
        let partial =
            folder + "/." + name + ".partial-\(Self.hostName())-\(System.getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let bytes: Int
        do throws(PublishError) {
            bytes = try Self.copy(snapshot, to: partial, failHalfway: faults.publish)
            faults.pause(at: "publish")
            // Checked again just before the rename: a folder that turned out to be the store's own.
            if Self.isSamePlace(target, local) {
                throw PublishError(path: target, message: "is the store itself: publish to another place")
            }
            try Self.rename(partial, to: target)
        } catch {
            System.unlink(partial)
            throw error
        }
        return Outcome(bytes: bytes, seconds: (clock.now - started).seconds)
    }

    /// Removes the copies a publisher left behind when it was killed mid-copy: hidden partial copies of `name` not written to
    /// for an hour (a live copy writes every moment).
    static func removeAbandonedCopies(of name: String, in folder: String) {
        let prefix = "." + name + ".partial-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let now = System.currentTime()
        for entry in entries where entry.hasPrefix(prefix) {
            let path = folder + "/" + entry
            if let info = System.lstat(path), info.isRegularFile, now - info.modifiedSeconds > 3600 {
                System.unlink(path)
            }
        }
    }

    /// Whether two paths name the same file, or would: the same inode, or the same real folder and name.
    static func isSamePlace(_ a: String, _ b: String) -> Bool {
        if sameFile(a, b) { return true }
        func place(_ path: String) -> String? {
            let url = URL(fileURLWithPath: path)
            guard let folder = System.realpath(url.deletingLastPathComponent().path) else { return nil }
            return folder + "/" + url.lastPathComponent
        }
        guard let first = place(a), let second = place(b) else { return false }
        return first == second
    }

    // MARK: - Files

    /// Copies `source` to `destination` (created, must not exist) and flushes it to disk.
    @discardableResult
    static func copy(_ source: String, to destination: String, failHalfway: Bool) throws(PublishError) -> Int {
        let input = System.open(source, [.readOnly, .closeOnExec])
        guard input >= 0 else { throw PublishError(path: source, message: "cannot be read: \(lastError())") }
        defer { System.close(input) }
        let output = System.open(destination, [.writeOnly, .create, .exclusive, .closeOnExec], permissions: 0o644)
        guard output >= 0 else { throw PublishError(path: destination, message: "cannot be created: \(lastError())") }
        var closed = false
        defer { if !closed { System.close(output) } }
        let size = System.fstat(input)?.size ?? 0
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var copied = 0
        // The injected fault: the first half is written, then the device fails.
        let limit = failHalfway ? size / 2 : Int.max
        while true {
            if copied >= limit {
                throw PublishError(path: destination, message: "writing failed: Input/output error (injected)")
            }
            let wanted = min(block.count, limit - copied)
            let count = block.withUnsafeMutableBytes {
                System.read(input, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted]))
            }
            if count < 0 {
                throw PublishError(path: source, message: "cannot be read: \(lastError())")
            }
            if count == 0 { break }
            var offset = 0
            while offset < count {
                let written = block.withUnsafeBytes {
                    System.write(output, UnsafeRawBufferPointer(rebasing: $0[offset..<count]))
                }
                if written < 0 {
                    throw PublishError(path: destination, message: "writing failed: \(lastError())")
                }
                offset += written
            }
            copied += count
        }
        // On NFS, close() reports write errors fsync() did not; both must pass before the rename.
        guard System.fsync(output) == 0 else {
            throw PublishError(path: destination, message: "flushing to disk failed: \(lastError())")
        }
        closed = true
        guard System.close(output) == 0 else {
            throw PublishError(path: destination, message: "closing failed: \(lastError())")
        }
        guard copied == size else {
            throw PublishError(path: destination, message: "copied \(copied) of \(size) bytes of \(source)")
        }
        return copied
    }

    /// Renames `source` over `destination` and flushes their folder, so that the new name survives a crash.
    static func rename(_ source: String, to destination: String) throws(PublishError) {
        guard System.rename(source, destination) == 0 else {
            throw PublishError(path: destination, message: "renaming \(source) into place failed: \(lastError())")
        }
        syncFolder(of: destination)
    }

    /// Flushes the folder holding `path`, so that a new name in it survives a crash. File systems that cannot
    /// flush a folder (EINVAL) need not: their renames are synchronous or not journaled at all.
    static func syncFolder(of path: String) {
        let folder = System.open(
            URL(fileURLWithPath: path).deletingLastPathComponent().path, [.readOnly, .directory, .closeOnExec])
        guard folder >= 0 else { return }
        System.fsync(folder)
        System.close(folder)
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        guard let first = System.stat(a), let second = System.stat(b) else { return false }
        return first.device == second.device && first.inode == second.inode
    }

    static func hostName() -> String {
        let name = System.hostName()
        return name.isEmpty ? "host" : name.replacingOccurrences(of: "/", with: "_")
    }

    static func lastError() -> String { System.lastErrorText }
}
