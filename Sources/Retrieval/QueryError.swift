public import Host
import Store

/// Why a query was refused or failed.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A limit was exceeded or a value is out of range.
    case limit(String)
    /// The store and the models do not fit together (another embedding model, no reranker...).
    case setup(String)

    public var description: String {
        switch self {
        case .limit(let message), .setup(let message): message
        }
    }
}

extension QueryError: ExitStatusError {
    /// A query over a limit is bad input; a store and models that do not fit together are a failure.
    public var exitStatus: ExitStatus {
        switch self {
        case .limit: .dataError
        case .setup: .failure
        }
    }
}
