import Dispatch
import Host
import Synchronization

/// Turns SIGINT and SIGTERM into a graceful shutdown: the first signal asks the work to stop taking more and
/// finish what is in flight; a second one, or the end of the grace period, ends the process at once. Not
/// cancellation: the first signal lets work commit. The policy lives here, as swift-service-lifecycle keeps
/// it in its library, so that the tool only says what happens.
///
/// The Dispatch signal sources live here, in library code: created in `main.swift` their handlers would be
/// inferred `@MainActor` and trap on Linux.
public final class ShutdownSignals: @unchecked Sendable {
    // @unchecked: `sources` and `grace` are set once in init and never mutated; Dispatch sources are
    // thread-safe; the phase is behind its Mutex.
    public enum Phase: Sendable, Equatable {
        case running
        /// Stop reading, finish and commit in-flight work. Carries the signal.
        case draining(Signal)
        /// Stop now.
        case aborting(Signal)
    }

    public enum Signal: Sendable {
        case interrupt, terminate

        /// SIGINT or SIGTERM.
        var number: Int32 { self == .interrupt ? System.Signal.interrupt : System.Signal.terminate }

        /// The status a process stopped by this signal exits with: 128 + its number (130, 143).
        public var exitStatus: Int32 { 128 + number }
    }

    /// Why the process is ended at once.
    public enum Escalation: Sendable, Equatable {
        /// Another signal came while the work was draining.
        case secondSignal(Signal)
        /// The work was still draining when the grace period ended (a read blocked on a hung mount cannot be
        /// interrupted).
        case graceExpired(Signal, Duration)
    }

    private let state = Mutex<Phase>(.running)
    private let sources: [any DispatchSourceSignal]
    private let queue = DispatchQueue(label: "ovindex.signals")
    private let grace: Duration?
    private let onChange: @Sendable (Phase) -> Void
    private let escalate: @Sendable (Escalation) -> Void

    /// Installs the handlers.
    ///
    /// - Parameters:
    ///   - grace: how long the first signal lets the work drain before `escalate` runs; nil waits for good.
    ///   - onChange: told at each signal (on a Dispatch queue).
    ///   - escalate: what ends the process after a second signal or the grace period: by default it exits at
    ///     once with 128 + the signal's number, whatever is blocked (everything committed is whole: SQLite
    ///     transactions; the next run resumes).
    public init(
        grace: Duration? = nil, onChange: @escaping @Sendable (Phase) -> Void = { _ in },
        escalate: @escaping @Sendable (Escalation) -> Void = ShutdownSignals.exitAtOnce
    ) {
        self.grace = grace
        self.onChange = onChange
        self.escalate = escalate
        var installed: [any DispatchSourceSignal] = []
        for number in [Signal.interrupt, .terminate] {
            System.ignore(signal: number.number)
            installed.append(DispatchSource.makeSignalSource(signal: number.number, queue: queue))
        }
        sources = installed
        for (source, number) in zip(sources, [Signal.interrupt, .terminate]) {
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

    /// The first signal received, nil while running.
    public var firstSignal: Signal? {
        switch phase {
        case .running: nil
        case .draining(let signal), .aborting(let signal): signal
        }
    }

    /// Ends the process at once with 128 + the signal's number.
    public static func exitAtOnce(_ escalation: Escalation) {
        switch escalation {
        case .secondSignal(let number), .graceExpired(let number, _): System.exitImmediately(number.exitStatus)
        }
    }

    func received(_ number: Signal) {
        let next: Phase = state.withLock { phase in
            switch phase {
            case .running: phase = .draining(number)
            case .draining, .aborting: phase = .aborting(number)
            }
            return phase
        }
        onChange(next)
        switch next {
        case .running:
            break
        case .draining(let first):
            if let grace {
                queue.asyncAfter(deadline: .now() + .milliseconds(Int(grace.seconds * 1000))) { [escalate] in
                    escalate(.graceExpired(first, grace))
                }
            }
        case .aborting(let number):
            escalate(.secondSignal(number))
        }
    }
}
