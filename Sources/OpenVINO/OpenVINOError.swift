public import Host
internal import COpenVINO

/// An error from the OpenVINO runtime or from this wrapper's use of it.
///
/// It carries what failed (`operation`, the C function or wrapper step), why (`kind`: the C status code, a
/// timeout, a busy request), OpenVINO's own message (`ov_get_last_err_msg`, read right after the failing
/// call), and what it was working on (`context`, such as a model path).
public struct OpenVINOError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A C API call returned this `ov_status_e` value.
        case status(Int32)
        /// An inference did not finish within its timeout and was cancelled.
        case timedOut
        /// The request is still running (or still stopping after a timeout) and cannot take another inference.
        case requestBusy
        /// A caller passed something the wrapper rejects before calling OpenVINO (shape, type, name).
        case invalidArgument
    }

    public var kind: Kind
    public var operation: String
    public var message: String
    public var context: String?

    public init(kind: Kind, operation: String, message: String, context: String? = nil) {
        self.kind = kind
        self.operation = operation
        self.message = message
        self.context = context
    }

    /// The status name for `.status` errors, as OpenVINO's headers spell it (GENERAL_ERROR, INFER_CANCELLED, ...).
    public var statusName: String? {
        guard case .status(let code) = kind else { return nil }
        return Self.statusNames[code] ?? "UNKNOWN_STATUS"
    }

    public var description: String {
        var text: String
        switch kind {
        case .status(let code): text = "OpenVINO \(statusName ?? "") (\(code)) in \(operation)"
        case .timedOut: text = "OpenVINO inference timed out in \(operation)"
        case .requestBusy: text = "OpenVINO infer request busy in \(operation)"
        case .invalidArgument: text = "invalid argument to \(operation)"
        }
        if let context { text += " [\(context)]" }
        if !message.isEmpty { text += ": \(message)" }
        return text
    }

    private static let statusNames: [Int32: String] = [
        0: "OK", -1: "GENERAL_ERROR", -2: "NOT_IMPLEMENTED", -3: "NETWORK_NOT_LOADED", -4: "PARAMETER_MISMATCH",
        -5: "NOT_FOUND", -6: "OUT_OF_BOUNDS", -7: "UNEXPECTED", -8: "REQUEST_BUSY", -9: "RESULT_NOT_READY",
        -10: "NOT_ALLOCATED", -11: "INFER_NOT_STARTED", -12: "NETWORK_NOT_READ", -13: "INFER_CANCELLED",
        -14: "INVALID_C_PARAM", -15: "UNKNOWN_C_ERROR", -16: "NOT_IMPLEMENT_C_METHOD", -17: "UNKNOW_EXCEPTION",
    ]
}

extension OpenVINOError {
    /// The error for a failed C call: reads and frees OpenVINO's last error message. Call it right after
    /// the failing call, before any other OpenVINO call on this thread can replace the message.
    static func fromStatus(_ status: ov_status_e, _ operation: String, context: String? = nil) -> OpenVINOError {
        OpenVINOError(
            kind: .status(status.rawValue),
            operation: operation,
            message: lastErrorMessage(),
            context: context
        )
    }

    static func lastErrorMessage() -> String {
        guard let pointer = ov_get_last_err_msg() else { return "" }
        defer { ov_free(pointer) }
        return cleaned(String(cString: pointer))
    }

    /// OpenVINO's messages often end with blank lines or repeat a "Check '...' failed at" source trace;
    /// keep them on one readable paragraph.
    static func cleaned(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline)
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}

/// Runs a C call and throws an `OpenVINOError` unless it returns OK.
@inline(__always)
func check(
    _ status: ov_status_e, _ operation: @autoclosure () -> String, context: @autoclosure () -> String? = nil
) throws(OpenVINOError) {
    if status != OK {
        throw OpenVINOError.fromStatus(status, operation(), context: context())
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}

extension OpenVINOError: ExitStatusError {
    /// A timed-out inference is a failure of that work; anything else means the runtime or model is unusable.
    public var exitStatus: ExitStatus { kind == .timedOut ? .failure : .unavailable }
}
