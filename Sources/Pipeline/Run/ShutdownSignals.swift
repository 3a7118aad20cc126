import Dispatch
import Host
import Synchronization

/// Turns SIGINT and SIGTERM into a graceful shutdown: the first signal asks the run to stop reading and finish
/// what is in flight; a second one stops it at once. Not cancellation: the first signal lets work commit.
///
/// The Dispatch signal sources live here, in library code: created in `main.swift` their handlers would be
/// inferred `@MainActor` and trap on Linux.
public final class ShutdownSignals: @unchecked Sendable {
    // @unchecked: `sources` is set once in init and never mutated; Dispatch sources are thread-safe.
    public enum Phase: Sendable, Equatable {
        case running
        /// Stop reading, finish and commit in-flight work. Carries the signal number.
        case draining(Int32)
        /// Stop now.
        case aborting(Int32)
    }

    private let state = Mutex<Phase>(.running)
    private let sources: [any DispatchSourceSignal]
    private let onChange: @Sendable (Phase) -> Void

    /// Installs the handlers; `onChange` runs (on a Dispatch queue) at each signal.
    public init(onChange: @escaping @Sendable (Phase) -> Void) {
        self.onChange = onChange
        let queue = DispatchQueue(label: "ovindex.signals")
        var installed: [any DispatchSourceSignal] = []
        for number in [System.Signal.interrupt, System.Signal.terminate] {
            System.ignore(signal: number)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            installed.append(source)
        }
        sources = installed
        for (source, number) in zip(sources, [System.Signal.interrupt, System.Signal.terminate]) {
            source.setEventHandler { [weak self] in self?.received(number) }
            source.resume()
        }
    }

    deinit {
        for source in sources { source.cancel() }
        System.restoreDefault(signal: System.Signal.interrupt)
        System.restoreDefault(signal: System.Signal.terminate)
    }

    public var phase: Phase { state.withLock { $0 } }

    /// Whether reading should stop (any signal received).
    public var isStopping: Bool { phase != .running }

    func received(_ number: Int32) {
        let next: Phase = state.withLock { phase in
            switch phase {
            case .running: phase = .draining(number)
            case .draining, .aborting: phase = .aborting(number)
            }
            return phase
        }
        onChange(next)
    }
}
