/// Why the pipeline refused an input or could not finish it: the code stored in the rejects table's `code`
/// column (docs/indexing.md lists them). A *reject* is a fault of the input itself, skipped while it is unchanged; a
/// *failure* is transient (I/O, inference), never recorded as the document's state, so the next run retries it.
public enum RejectReason: String, Sendable, Equatable, CaseIterable {
    // Documents: the content itself.
    /// Over `limits.max_document_bytes` (never read past the limit).
    case documentTooLarge = "document_too_large"
    /// Not valid UTF-8.
    case invalidUTF8 = "invalid_utf8"
    /// Holds a NUL byte: a binary file.
    case binaryContent = "binary_content"
    /// Only whitespace, or nothing left after normalization.
    case emptyDocument = "empty_document"
    /// More chunks than `limits.max_chunks_per_document`.
    case tooManyChunks = "too_many_chunks"
    /// A key read before in the same run.
    case duplicateID = "duplicate_id"

    // JSON Lines records.
    /// The line is not valid JSON.
    case invalidJSON = "invalid_json"
    /// The line is JSON, but not an object.
    case notAnObject = "not_an_object"
    /// The id or text field is missing.
    case missingField = "missing_field"
    /// The id is empty, or a number that is not a plain integer, or neither a string nor a number; the text is
    /// not a string.
    case invalidField = "invalid_field"

    // Paths a folder walk meets.
    /// A fifo, socket or device.
    case notRegularFile = "not_a_regular_file"
    /// A symbolic link whose target does not exist (or cannot be resolved).
    case brokenLink = "broken_link"
    /// A symbolic link out of the source folder (followed only with `follow_symlinks`).
    case linkOutsideSource = "link_outside_source"
    /// A symbolic link to a folder inside the source (its files are read where they are), or to a folder
    /// already read (a loop).
    case linkToFolder = "link_to_folder"
    /// A name that is not UTF-8.
    case nameNotUTF8 = "name_not_utf8"
    /// A path longer than PATH_MAX.
    case pathTooLong = "path_too_long"

    // Failures: retried by the next run.
    /// Listed, then gone before it was read (deleted during the run, or the source unmounted): the source is not
    /// pruned this run.
    case vanished = "vanished"
    /// A read error (EIO, EACCES, ...).
    case readError = "read_error"
    /// A folder that could not be listed: its documents are kept, not pruned.
    case unreadableFolder = "unreadable_folder"
    /// The file grew past the size limit while it was read.
    case changedWhileRead = "changed_while_read"
    /// The model failed on (or timed out for) one of the document's chunks.
    case inferenceFailed = "inference_failed"
    /// The source folder was replaced or unmounted while it was read: it is not pruned this run.
    case sourceChanged = "source_changed"

    /// Whether this is a transient failure (retried) rather than a reject (skipped while unchanged).
    public var isFailure: Bool {
        switch self {
        case .readError, .unreadableFolder, .changedWhileRead, .inferenceFailed, .vanished, .sourceChanged: true
        default: false
        }
    }

    /// Whether the failure is an I/O error (a run that has only these exits 74, else 1).
    public var isIOFailure: Bool {
        self == .readError || self == .unreadableFolder || self == .vanished || self == .sourceChanged
            || self == .changedWhileRead
    }

    /// The reason in words, as `store info` shows it.
    public var summary: String {
        switch self {
        case .documentTooLarge: "document too large"
        case .invalidUTF8: "invalid UTF-8"
        case .binaryContent: "binary content"
        case .emptyDocument: "empty document"
        case .tooManyChunks: "too many chunks"
        case .duplicateID: "duplicate document id"
        case .invalidJSON: "invalid JSON"
        case .notAnObject: "not a JSON object"
        case .missingField: "missing field"
        case .invalidField: "invalid field"
        case .notRegularFile: "not a regular file"
        case .brokenLink: "broken symbolic link"
        case .linkOutsideSource: "symbolic link outside the source (not followed)"
        case .linkToFolder: "symbolic link to a folder (not followed)"
        case .nameNotUTF8: "file name is not valid UTF-8"
        case .pathTooLong: "path longer than PATH_MAX"
        case .vanished: "vanished while the folder was read"
        case .readError: "read error"
        case .unreadableFolder: "cannot read the folder"
        case .changedWhileRead: "changed while read"
        case .inferenceFailed: "inference failed"
        case .sourceChanged: "the source folder changed while it was read"
        }
    }
}
