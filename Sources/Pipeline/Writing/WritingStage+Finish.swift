import Foundation
import Host
import Models
import Store
import TextIO

/// The end of a run: removals within `RemovalPlan`'s limits, and the record of how the run ended.
extension WritingStage {
    /// Prunes (with `prune`) and applies the demotions, within `RemovalPlan`'s limits; stops between batches
    /// when `shouldStop` turns true. Returns notes on sources it kept.
    ///
    /// - Throws: `PruneRefused` when too large a share would go (nothing is removed; the demoted documents'
    ///   rejects are listed without removing their vectors); `StoreError` when a deletion fails (earlier
    ///   batches stay deleted); `RunStopped` when a stop came between batches.
    func remove(shouldStop: () -> Bool) throws -> [String] {
        guard readingComplete, definition.prune || !demotions.isEmpty else { return [] }
        try commit(force: true)
        let plan = try RemovalPlan(
            sources: RemovalPlan.Source.all(definition, reports: sourceReports),
            maxFraction: definition.pruneMaxFraction, force: definition.forcePrune, prune: definition.prune,
            demoted: Set(demotions.compactMap(\.key)), stored: { body in try store.forEachDocument(body) },
            seen: { [seen] in seen.contains(KeyDigest($0)) })
        guard plan.demotionsAllowed else {
            // Listed, so that the user sees why; the documents keep their indexed versions.
            rejects += demotions.map { reject in
                var kept = reject
                kept.document = nil
                kept.detail = (reject.detail.map { $0 + "; " } ?? "") + "its indexed version was kept"
                return kept
            }
            demotions = []
            try commit(force: true)
            throw PruneRefused(message: plan.refusal ?? "", notes: plan.notes)
        }
        rejects += demotions
        demotions = []
        try commit(force: true)
        if faults.prune && !plan.deletions.isEmpty {
            throw InjectedFault(point: "deleting pruned documents", store: store.path)
        }
        if !plan.deletions.isEmpty { faults.pause(at: "prune") }
        var offset = 0
        while offset < plan.deletions.count {
            if shouldStop() { throw RunStopped() }
            let slice = Array(plan.deletions[offset..<min(offset + 500, plan.deletions.count)])
            var next = counters
            next.documentsPruned += slice.count
            try store.deleteDocuments(
                keys: slice, progress: RunProgress(runID: runID, counters: next, cursor: Self.cursor(lastKey)))
            counters = next
            offset += slice.count
        }
        monitor.update { $0.documentsPruned = counters.documentsPruned }
        return plan.notes
    }

    /// Commits what is whole, removes what may go, and records how the run ended; every failure on the way is
    /// the run's. A stop (`shouldStop`) seen at any point before the end makes the run interrupted.
    func finish(failure: (any Error)?, shouldStop: () -> Bool, elapsed: () -> Double) throws -> RunReport {
        var failure = failure
        do {
            try commit(force: true, final: true)
        } catch {
            failure = failure ?? error
        }
        var notes: [String] = []
        if failure == nil && !shouldStop() && readingComplete {
            do {
                notes = try remove(shouldStop: shouldStop)
                // After the removals: a pruned document is not labelled again.
                if let labeller { documentsRelabelled = try labeller.relabel(store, faults: faults) }
                try store.replaceEarlierRejects(before: runID)
                try store.setInfo(Self.rejectLimitsKey, to: Self.rejectLimits(definition))
            } catch let refused as PruneRefused {
                notes = refused.notes
                failure = refused
            } catch {
                failure = error
            }
        }
        let stopped = shouldStop()
        if failure == nil, let invariantBroken {
            failure = RunInvariantError(message: invariantBroken + "; nothing of it was stored, and the next run redoes it")
        }
        if failure == nil && !stopped && (!readingComplete || unfinishedDocuments > 0) {
            failure = RunInvariantError(
                message: "the run ended with \(unfinishedDocuments) documents read but not finished "
                    + "(reading complete: \(readingComplete)); they were not stored and the next run redoes them")
        }
        if failure == nil, let first = firstFailure {
            failure = DocumentFailures(
                count: counters.documentsFailed, withoutDocument: failuresWithoutDocument, first: first,
                onlyIO: onlyIOFailures)
        }
        let interrupted =
            stopped
            && (failure == nil || failure is CancellationError || failure is ChannelClosedError || failure is RunStopped)
        var outcome: RunReport.Outcome = interrupted ? .interrupted : (failure == nil ? .completed : .failed)
        let message: String? =
            switch outcome {
            case .completed: nil
            case .interrupted: "stopped by a signal"
            case .failed: failure.map { "\($0)" }
            }
        do {
            if faults.finish { throw InjectedFault(point: "recording the end of the run", store: store.path) }
            try store.finishRun(runID, status: RunRecord.Status(rawValue: outcome.rawValue) ?? .failed, error: message)
        } catch {
            failure = failure ?? error
            outcome = .failed
        }
        monitor.documentsLeft(unfinishedDocuments)
        let report = RunReport(
            runID: runID, outcome: outcome, counters: counters, rejects: rejectCount,
            chunksEmbedded: monitor.snapshot.chunksEmbedded, seconds: elapsed(),
            peakRSSBytes: ProcessMemory.peakResidentBytes() ?? 0,
            error: outcome == .failed ? failure.map { "\($0)" } : nil, notes: notes,
            documentsRelabelled: labeller == nil ? nil : documentsRelabelled)
        if let failure, outcome == .failed { throw RunFailure(report: report, underlying: failure) }
        return report
    }

    static func cursor(_ key: String) -> String {
        JSONWriter.canonical(.object(["last_committed": .string(key)]))
    }
}
