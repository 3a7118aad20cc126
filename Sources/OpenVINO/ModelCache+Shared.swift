import Synchronization

extension ModelCache {
    /// The process's cache: one OpenVINO core, and one compiled copy of each model however many parts of the
    /// process ask for it (what the seed service lacked: each endpoint loaded its own copy). Made on first use.
    ///
    /// - Throws: `OpenVINOError` when the runtime cannot be set up (then the next call tries again).
    public static func shared() throws(OpenVINOError) -> ModelCache {
        try processCache.withLock { cache throws(OpenVINOError) -> ModelCache in
            if let cache { return cache }
            let made = ModelCache(core: try Core())
            cache = made
            return made
        }
    }
}

private let processCache = Mutex<ModelCache?>(nil)
