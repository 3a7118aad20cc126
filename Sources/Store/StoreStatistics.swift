import SQLite

/// What a store holds, for `status` and `store info`.
public struct StoreStatistics: Sendable, Equatable {
    public var schemaVersion: Int
    public var documents: Int
    public var rejectedDocuments: Int
    public var chunks: Int
    public var vectors: Int
    public var rejects: Int
    public var runs: Int
    public var fileBytes: Int
    /// Chunks whose token states the store keeps, and the bytes they take.
    public var chunksWithStates: Int
    public var stateBytes: Int
}
