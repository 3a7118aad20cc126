import TextIO

/// Something the pipeline refused (a reject: the input itself is at fault, permanently) or could not finish (a
/// failure: an I/O error, an inference error or timeout, retried by the next run).
///
/// A reject with `document` set also records the document as rejected (its old chunks removed), so an unchanged
/// rejected document is skipped next time. A failure never changes the document's row: the next run sees it as
/// new or changed and tries again.
public struct RejectInput: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A fault of the input itself (invalid UTF-8, too large, ...): skipped while unchanged.
        case reject
        /// Transient (read error, inference error or timeout): the next run retries the document.
        case failure
    }

    public struct Document: Sendable, Equatable {
        public var key: String
        public var source: String
        public var contentHash: String
        public var byteSize: Int

        public init(key: String, source: String, contentHash: String, byteSize: Int) {
            self.key = key
            self.source = source
            self.contentHash = contentHash
            self.byteSize = byteSize
        }
    }

    /// The input the problem was found in (file, or file:line).
    public var input: String
    public var line: Int?
    /// Why, as a stable code.
    public var code: RejectReason
    /// Why, in words (the code's summary unless given).
    public var reason: String
    public var limit: String?
    public var detail: String?
    /// The document to record as rejected (rejects only).
    public var document: Document?
    /// The document this is about, when there is one (with or without `document`): a document's newer row
    /// replaces its older ones.
    public var key: String?

    public var kind: Kind { code.isFailure ? .failure : .reject }

    public init(
        input: String, line: Int? = nil, code: RejectReason, reason: String? = nil, limit: String? = nil,
        detail: String? = nil, document: Document? = nil, key: String? = nil
    ) {
        self.input = input
        self.line = line
        self.code = code
        self.reason = reason ?? code.summary
        self.limit = limit
        self.detail = detail
        self.document = code.isFailure ? nil : document
        self.key = key ?? document?.key
    }
}
