import Dispatch
import Host
import Pipeline
import Synchronization
import TextIO

/// The run's progress on stderr: a line rewritten in place on a terminal (4 times a second), a plain line
/// every 10 seconds otherwise, nothing with --quiet.
final class ProgressLine: @unchecked Sendable {
    // @unchecked: `timer` is created in init and never replaced; Dispatch sources are thread-safe.
    private let monitor: RunMonitor
    private let enabled: Bool
    private let interactive: Bool
    private let timer: any DispatchSourceTimer
    private let started = ContinuousClock.now
    private let lastLength = Mutex(0)

    init(monitor: RunMonitor, enabled: Bool) {
        self.monitor = monitor
        self.enabled = enabled
        interactive = Terminal.errors.isInteractive
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "ovindex.progress"))
        let interval: DispatchTimeInterval = interactive ? .milliseconds(250) : .seconds(10)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.draw() }
    }

    /// Starts the timer. (Always: libdispatch traps when a never-resumed source is released.)
    func start() {
        timer.resume()
    }

    func stop() {
        timer.cancel()
        if enabled && interactive { clear() }
    }

    /// A message between progress updates.
    func note(_ text: String) {
        if interactive { clear() }
        Terminal.errors.write(line: "ovindex run: \(text)")
    }

    private func clear() {
        let length = lastLength.withLock { $0 }
        Terminal.errors.write("\r" + String(repeating: " ", count: length) + "\r")
    }

    private func draw() {
        guard enabled else { return }
        let line = Self.describe(monitor.snapshot, elapsed: (ContinuousClock.now - started).seconds)
        if interactive {
            let padding = max(0, lastLength.withLock { $0 } - line.count)
            lastLength.withLock { $0 = line.count }
            Terminal.errors.write("\r" + line + String(repeating: " ", count: padding))
        } else {
            Terminal.errors.write(line: "ovindex run: " + line)
        }
    }

    static func describe(_ snapshot: RunMonitor.Snapshot, elapsed: Double) -> String {
        let rate = elapsed > 0 ? Double(snapshot.tokensEmbedded) / elapsed : 0
        var line =
            "\(snapshot.documentsSeen) docs (\(snapshot.documentsIndexed) indexed, \(snapshot.documentsUnchanged) "
            + "unchanged) | \(snapshot.chunksEmbedded) chunks | \(Int(rate)) tok/s | \(snapshot.rejects) rejects | "
            + Format.clock(elapsed)
        if snapshot.totalBytes > 0, snapshot.bytesRead > 0 {
            let fraction = min(1, Double(snapshot.bytesRead) / Double(snapshot.totalBytes))
            line += " | \(Int(fraction * 100))%"
            if fraction > 0.01 && fraction < 1 { line += " ETA " + Format.clock(elapsed * (1 - fraction) / fraction) }
        }
        return line
    }
}
