import Foundation
import Synchronization
import Testing
import TestSupport

@testable import OpenVINO

/// The model cache never fails a load and never lets two processes write one blob: see `CompileCacheLock`.
/// These use the tiny test model, which compiles in milliseconds.
@Suite struct CompileCacheLockTests {
    static let model = ProjectPaths.root.appendingPathComponent(".deps/test-models/tiny-cross-encoder/model.xml").path

    /// Collects what a cache warns about.
    final class Warnings: Sendable {
        let texts = Mutex<[String]>([])
        var all: [String] { texts.withLock { $0 } }
        func add(_ text: String) { texts.withLock { $0.append(text) } }
    }

    /// Holds the cache folder's lock as another process would: its own open file description.
    static func holdLock(_ folder: String) throws -> Int32 {
        let fd = open(folder + "/" + CompileCacheLock.fileName, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        try #require(fd >= 0)
        try #require(flock(fd, LOCK_EX | LOCK_NB) == 0)
        return fd
    }

    static func blobs(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".blob") }
    }

    @Test func aLoadWaitsWhileAnotherProcessHoldsTheCacheAndThenReadsWhatItWrote() async throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path
        let warnings = Warnings()
        let cache = ModelCache(core: try Core(), warn: warnings.add)
        let fd = try Self.holdLock(folder)
        let finished = Atomic<Bool>(false)
        let load = Task {
            defer { finished.store(true, ordering: .sequentiallyConsistent) }
            return try await cache.compiledModel(at: Self.model, options: CompileOptions(cacheDirectory: folder))
        }
        try await Task.sleep(for: .milliseconds(600))
        let finishedEarly = finished.load(ordering: .sequentiallyConsistent)
        #expect(!finishedEarly, "the load did not wait for the lock")
        #expect(try Self.blobs(folder).isEmpty)
        close(fd)
        _ = try await load.value
        #expect(try Self.blobs(folder).count == 1)
        #expect(warnings.all.isEmpty)
    }

    @Test func aLockHeldTooLongIsWaitedOutAndTheModelCompiledWithoutTheCache() async throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path
        let warnings = Warnings()
        let cache = ModelCache(core: try Core(), cacheLockTimeout: .milliseconds(300), warn: warnings.add)
        let fd = try Self.holdLock(folder)
        defer { close(fd) }
        let model = try await cache.compiledModel(at: Self.model, options: CompileOptions(cacheDirectory: folder))
        #expect(model.outputNames.contains("logits"))
        #expect(try Self.blobs(folder).isEmpty)
        #expect(warnings.all.count == 1)
        #expect(warnings.all.first?.contains("without the model cache in \(folder)") == true)
        #expect(warnings.all.first?.contains("have held its lock") == true, "\(warnings.all)")
    }

    @Test func aCacheFolderThatCannotHoldALockIsLeftAsideWithAWarning() async throws {
        let directory = try TemporaryDirectory()
        let notAFolder = try directory.write("file", "not a folder")
        let warnings = Warnings()
        let cache = ModelCache(core: try Core(), warn: warnings.add)
        _ = try await cache.compiledModel(at: Self.model, options: CompileOptions(cacheDirectory: notAFolder))
        #expect(warnings.all.count == 1)
        #expect(warnings.all.first?.contains("cannot open its lock file") == true, "\(warnings.all)")
    }

    /// A cache folder this process may only read (a volume mounted read-only) is still used when it holds the
    /// lock file and the blob: the lock file is opened for reading, which is all `flock` needs.
    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs read-only"))
    func aReadOnlyCacheThatHoldsItsLockFileIsLockedAndReadWithoutAWarning() throws {
        let directory = try TemporaryDirectory()
        let folder = directory.file("cache")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let sh = URL(fileURLWithPath: "/bin/sh")
        try #require(try run(sh, ["-c", "mount -t tmpfs -o size=100m tmpfs '\(folder)'"]).status == 0)
        defer { _ = try? run(sh, ["-c", "umount '\(folder)'"]) }
        let key = ModelCache.Key(path: Self.model, options: CompileOptions(cacheDirectory: folder))
        _ = try ModelCache.compile(key, core: try Core(), cacheLockTimeout: .seconds(5), warn: { _ in })
        #expect(try Self.blobs(folder).count == 1)
        try #require(try run(sh, ["-c", "mount -o remount,ro '\(folder)'"]).status == 0)
        let warnings = Warnings()
        let model = try ModelCache.compile(key, core: try Core(), cacheLockTimeout: .seconds(5), warn: warnings.add)
        #expect(model.outputNames.contains("logits"))
        #expect(warnings.all.isEmpty, "\(warnings.all)")
        // Without its lock file such a folder is left aside, and the warning says why.
        try #require(try run(sh, ["-c", "mount -o remount,rw '\(folder)'"]).status == 0)
        try FileManager.default.removeItem(atPath: folder + "/" + CompileCacheLock.fileName)
        try #require(try run(sh, ["-c", "mount -o remount,ro '\(folder)'"]).status == 0)
        _ = try ModelCache.compile(key, core: try Core(), cacheLockTimeout: .seconds(5), warn: warnings.add)
        #expect(warnings.all.count == 1)
        #expect(warnings.all.first?.contains("cannot open its lock file") == true, "\(warnings.all)")
        #expect(warnings.all.first?.contains("Read-only file system") == true, "\(warnings.all)")
    }

    /// OpenVINO opens a cached blob for reading whatever it is: a fifo under a blob's name blocked it forever.
    /// The compile runs on a thread of its own, watched with a wall-clock limit: were the fifo opened, the test
    /// fails (and opens the fifo's other end, to free that thread) rather than hang the suite.
    @Test func aFifoUnderABlobsNameIsNeverOpened() throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path
        let key = ModelCache.Key(path: Self.model, options: CompileOptions(cacheDirectory: folder))
        _ = try ModelCache.compile(key, core: try Core(), cacheLockTimeout: .seconds(60), warn: { _ in })
        let blob = folder + "/" + (try #require(try Self.blobs(folder).first))
        try FileManager.default.removeItem(atPath: blob)
        try #require(mkfifo(blob, 0o644) == 0)
        let warnings = Warnings()
        let compiled = Mutex<Bool?>(nil)
        let done = DispatchSemaphore(value: 0)
        let core = try Core()
        Thread {
            let model = try? ModelCache.compile(key, core: core, cacheLockTimeout: .seconds(60), warn: warnings.add)
            compiled.withLock { $0 = model != nil }
            done.signal()
        }.start()
        let finished = done.wait(timeout: .now() + 120) == .success
        #expect(finished, "the compile opened the fifo and blocked")
        if !finished { close(open(blob, O_WRONLY | O_NONBLOCK)) }
        #expect(compiled.withLock { $0 } == true)
        #expect(warnings.all.first?.contains("\(blob) is not a regular file") == true, "\(warnings.all)")
    }

    @Test func aCompileThroughTheCacheThatFailsIsDoneAgainWithoutIt() throws {
        let directory = try TemporaryDirectory()
        let key = ModelCache.Key(path: Self.model, options: CompileOptions(cacheDirectory: directory.path))
        let failure = OpenVINOError(
            kind: .status(-1), operation: "ov_core_compile_model_from_file", message: "cannot set permissions")
        let warnings = Warnings()
        // The compile without the cache runs after the lock is released: others need not wait for it.
        let lockFreeWhenWarned = Mutex<Bool?>(nil)
        let model = try ModelCache.compile(
            key, core: try Core(), cacheLockTimeout: .seconds(5),
            warn: { text in
                let fd = open(directory.path + "/" + CompileCacheLock.fileName, O_RDWR | O_CLOEXEC)
                lockFreeWhenWarned.withLock { $0 = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 }
                close(fd)
                warnings.add(text)
            },
            throughCache: { _ throws(OpenVINOError) in throw failure })
        #expect(model.outputNames.contains("logits"))
        #expect(warnings.all.count == 1)
        #expect(warnings.all.first?.contains("cannot set permissions") == true, "\(warnings.all)")
        #expect(lockFreeWhenWarned.withLock { $0 } == true)
        // A model that fails without the cache too is told by that error, and nothing is warned.
        let missing = ModelCache.Key(path: directory.file("missing.xml"), options: key.options)
        let error = #expect(throws: OpenVINOError.self) {
            try ModelCache.compile(
                missing, core: try Core(), cacheLockTimeout: .seconds(5), warn: warnings.add,
                throughCache: { _ throws(OpenVINOError) in throw failure })
        }
        #expect(error?.operation == "ov_core_read_model")
        #expect(error?.context?.contains("missing.xml") == true)
        #expect(warnings.all.count == 1)
    }
}
