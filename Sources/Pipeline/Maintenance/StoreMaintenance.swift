import Foundation
public import Store

/// What `ovindex store` does to a store beyond reading it, under the same rules as a run: the run lock, and
/// never on a damaged store.
public enum StoreMaintenance {
    /// Whether a process holds the store's run lock now (a run or a merge is writing it).
    public static func runIsActive(on path: String) -> Bool {
        do {
            let lock = try RunLock(store: path)
            withExtendedLifetime(lock) {}
            return false
        } catch {
            return error.kind == .busy
        }
    }

    /// SQLite's integrity check, then ovindex's invariants (`Store.check`). A run marked running is stale
    /// only if no process holds the store's lock; on read-only media nobody can be writing, so every such run
    /// is. Damage found as soon as the store is opened is a finding, not a failure to check.
    ///
    /// - Throws: `StoreError` when the store cannot be opened for another reason (missing, not a store).
    public static func check(_ path: String) throws(StoreError) -> StoreCheck {
        do {
            let store = try Store(path: path, mode: .readOnly)
            var stale = try store.runningRuns()
            if !stale.isEmpty && runIsActive(on: path) { stale = [] }
            return try store.check(staleRuns: stale)
        } catch {
            guard error.kind == .corrupt else { throw error }
            return StoreCheck(problems: ["integrity: \(error.message)"], checked: ["integrity"])
        }
    }

    /// Reclaims the space of deleted documents, merges the text index and checkpoints the WAL, under the
    /// store's lock: VACUUM through another name of the file while a run writes would rewrite pages the run's
    /// write-ahead log still refers to. Returns the file's size before and after.
    ///
    /// - Throws: `StoreError` (missing, damaged: a store that fails the quick check is not touched),
    ///   `RunLockError` (a run is writing it).
    public static func vacuum(_ path: String) throws -> (before: Int, after: Int) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.missing, path: path, message: "no store at this path")
        }
        let lock = try RunLock(store: path)
        defer { withExtendedLifetime(lock) {} }
        let store = try Store(path: path, mode: .readWriteExisting)
        let before = store.fileSize
        try store.vacuum()
        return (before, store.fileSize)
    }
}
