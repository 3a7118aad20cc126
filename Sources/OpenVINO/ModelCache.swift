import Dispatch
import Host
import Synchronization

/// Loads each model once per process, however many tasks ask for it at the same time (single flight).
///
/// The first caller for a (path, options) pair starts the read + compile on a loader thread; every caller that
/// arrives while it runs awaits that same load; later callers get the compiled model at once. A failed load is
/// forgotten, so the next caller tries again (and every waiter sees the same error). `unload` drops the cache's
/// reference: the model's memory is freed when the last infer request made from it is gone too.
///
/// With a `cacheDirectory` in its options, a model is compiled through OpenVINO's model cache under a lock
/// that other processes take too (`CompileCacheLock`). The cache only saves time, so it never fails a load:
/// when it cannot be locked, holds something that is not a file, or the compile through it fails, the model is
/// compiled once more without it, and `warn` says why.
public final class ModelCache: Sendable {
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        public var path: String
        public var options: CompileOptions

        public init(path: String, options: CompileOptions) {
            self.path = path
            self.options = options
        }

        public var description: String { "\(path) on \(options.device)" }
    }

    private enum Entry {
        case loading(id: UInt64, Task<CompiledModel, any Error>)
        case loaded(CompiledModel)
    }

    public let core: Core
    /// The longest a load waits for another process compiling through the same cache folder.
    public let cacheLockTimeout: Duration
    private let warn: @Sendable (String) -> Void
    private let entries = Mutex<[Key: Entry]>([:])
    private let nextLoadID = Atomic<UInt64>(0)
    private let loads = Atomic<Int>(0)
    /// Compilation blocks a thread for about a second: keep it off Swift's cooperative pool.
    private static let loaderQueue = DispatchQueue(label: "ovindex.openvino.model-loader", attributes: .concurrent)

    public init(
        core: Core, cacheLockTimeout: Duration = .seconds(60),
        warn: @escaping @Sendable (String) -> Void = ModelCache.writeToStandardError
    ) {
        self.core = core
        self.cacheLockTimeout = cacheLockTimeout
        self.warn = warn
    }

    /// Writes "ovindex: warning: <text>" on standard error.
    public static func writeToStandardError(_ text: String) {
        System.writeStandardError("ovindex: warning: \(text)\n")
    }

    /// How many times a model was actually read and compiled (not served from the cache).
    public var loadCount: Int { loads.load(ordering: .relaxed) }

    /// The keys of the models currently loaded (not those still loading).
    public var loadedKeys: [Key] {
        entries.withLock { entries in
            entries.compactMap { key, entry in
                if case .loaded = entry { return key }
                return nil
            }
        }
    }

    /// The compiled model for `path` with `options`, loading it if no one has yet.
    ///
    /// - Throws: `OpenVINOError` from reading or compiling the model (missing file, corrupt model, unknown
    ///   device), with the path in its context.
    public func compiledModel(
        at path: String, options: CompileOptions = CompileOptions()
    ) async throws
        -> CompiledModel
    {
        let key = Key(path: path, options: options)
        enum Next {
            case ready(CompiledModel)
            case wait(id: UInt64, Task<CompiledModel, any Error>)
        }
        let next: Next = entries.withLock { entries in
            switch entries[key] {
            case .loaded(let model):
                return .ready(model)
            case .loading(let id, let task):
                return .wait(id: id, task)
            case nil:
                let id = nextLoadID.add(1, ordering: .relaxed).newValue
                let task = Task { try await self.load(key) }
                entries[key] = .loading(id: id, task)
                return .wait(id: id, task)
            }
        }
        switch next {
        case .ready(let model):
            return model
        case .wait(let id, let task):
            do {
                let model = try await task.value
                entries.withLock { entries in
                    if case .loading(id, _) = entries[key] { entries[key] = .loaded(model) }
                }
                return model
            } catch {
                entries.withLock { entries in
                    if case .loading(id, _) = entries[key] { entries[key] = nil }
                }
                throw error
            }
        }
    }

    /// Forgets the model loaded for `path` with `options`. Returns whether one was loaded or loading.
    @discardableResult
    public func unload(path: String, options: CompileOptions = CompileOptions()) -> Bool {
        entries.withLock { $0.removeValue(forKey: Key(path: path, options: options)) != nil }
    }

    /// Forgets every model.
    public func unloadAll() {
        entries.withLock { $0.removeAll() }
    }

    private func load(_ key: Key) async throws -> CompiledModel {
        loads.add(1, ordering: .relaxed)
        let (core, timeout, warn) = (self.core, cacheLockTimeout, self.warn)
        return try await withCheckedThrowingContinuation { continuation in
            Self.loaderQueue.async {
                continuation.resume(
                    with: Result { () throws(OpenVINOError) -> CompiledModel in
                        try Self.compile(key, core: core, cacheLockTimeout: timeout, warn: warn)
                    })
            }
        }
    }

    /// Reads and compiles one model: through the cache folder under its lock when the options name one, and
    /// without the cache when that fails for any reason. `throughCache` is the compile through the cache (a
    /// seam for tests, which make it fail).
    static func compile(
        _ key: Key, core: Core, cacheLockTimeout: Duration, warn: (String) -> Void,
        throughCache: ((Key) throws(OpenVINOError) -> CompiledModel)? = nil
    ) throws(OpenVINOError) -> CompiledModel {
        guard let folder = key.options.cacheDirectory else {
            return try core.compile(core.readModel(at: key.path), options: key.options)
        }
        var uncached = key.options
        uncached.cacheDirectory = nil
        func withoutCache(because reason: String) throws(OpenVINOError) -> CompiledModel {
            let model = try core.compile(core.readModel(at: key.path), options: uncached)
            warn("compiled \(key.path) without the model cache in \(folder): \(reason)")
            return model
        }
        // Through the cache, under its lock; the lock is released before any compile without the cache, so that
        // other processes do not queue behind a compile that does not touch the cache.
        let failure: String
        do {
            let lock = try CompileCacheLock(folder: folder, timeout: cacheLockTimeout)
            defer { withExtendedLifetime(lock) {} }
            if let entry = CompileCacheLock.irregularEntry(in: folder) {
                failure = "\(entry) is not a regular file (remove it to use the cache again)"
            } else {
                do {
                    if let throughCache { return try throughCache(key) }
                    return try core.compile(modelAt: key.path, options: key.options)
                } catch {
                    // The cache may be the cause (a full disk, a blob OpenVINO could not replace). If the model
                    // fails without it too, that error is the one told.
                    failure = error.description
                }
            }
        } catch {
            failure = error.description
        }
        return try withoutCache(because: failure)
    }
}
