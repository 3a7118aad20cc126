import Foundation

/// Which stored documents a run may delete because its sources no longer have them, and which it must keep.
///
/// Pruning is where an unattended run can do the most damage (an unmounted volume looks like a deleted corpus),
/// so it is decided per source, before anything is deleted:
/// - a source that was not read in full (a folder that could not be listed) keeps all its documents;
/// - a source that yielded no documents at all keeps all its documents, even with `force` (an empty mount
///   point is far more likely than a deliberately emptied corpus);
/// - when more than `maxFraction` of a source's stored documents are gone, nothing at all is pruned unless
///   `force`: the run reports it and fails;
/// - documents of sources no longer in the definition form a group of their own under the same rule.
struct PrunePlan: Equatable {
    /// The keys to delete.
    var deletions: [String] = []
    /// Sources kept whole, and why (for the run's report).
    var notes: [String] = []
    /// Why nothing was pruned, when a share was too large.
    var refusal: String?

    /// How a run read one source (from `SourceReport`) and what it is.
    struct Source {
        var path: String
        /// True for a JSON Lines file or a single-file source: its documents' `source` is the path itself.
        var isFile: Bool
        var documents: Int
        var complete: Bool

        /// The definition's sources, with what this run read of each (`reports` by source index).
        static func all(_ definition: PipelineDefinition, reports: [Int: SourceReport]) -> [Source] {
            definition.sources.enumerated().map { index, source in
                var isDirectory: ObjCBool = false
                let isFolder =
                    source.format == .files
                    && FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory)
                    && isDirectory.boolValue
                return Source(
                    path: source.path, isFile: !isFolder, documents: reports[index]?.documents ?? 0,
                    complete: reports[index]?.complete ?? false)
            }
        }

        /// Whether a stored document read from `source` came from this source.
        func owns(_ source: String) -> Bool {
            source == path || (!isFile && source.hasPrefix(path.hasSuffix("/") ? path : path + "/"))
        }
    }

    private struct Group {
        var name: String
        var stored = 0
        var gone: [String] = []
    }

    /// - Parameters:
    ///   - sources: the definition's sources as this run read them.
    ///   - stored: calls its argument with every stored document's key and source path.
    ///   - seen: whether this run met a key (documents, unchanged, rejected and failed ones alike).
    init(
        sources: [Source], maxFraction: Double, force: Bool,
        stored: ((_ key: String, _ source: String) throws -> Void) throws -> Void, seen: @escaping (String) -> Bool
    ) rethrows {
        var groups = sources.map { Group(name: $0.path) }
        var orphans = Group(name: "sources no longer in the definition")
        try stored { key, source in
            let index = sources.firstIndex { $0.owns(source) }
            let goneNow = !seen(key)
            if let index {
                groups[index].stored += 1
                if goneNow { groups[index].gone.append(key) }
            } else {
                orphans.stored += 1
                if goneNow { orphans.gone.append(key) }
            }
        }
        var candidates: [Group] = []
        for (source, group) in zip(sources, groups) where !group.gone.isEmpty {
            if !source.complete {
                notes.append(
                    "\(source.path) was not read in full: none of its \(group.stored) stored documents were pruned")
            } else if source.documents == 0 {
                notes.append(
                    "\(source.path) yielded no documents: its \(group.stored) stored documents were kept "
                        + "(a source that yields no documents is never pruned)")
            } else {
                candidates.append(group)
            }
        }
        if !orphans.gone.isEmpty { candidates.append(orphans) }
        if !force {
            for group in candidates where Double(group.gone.count) > maxFraction * Double(group.stored) {
                let share = Int((Double(group.gone.count) / Double(group.stored) * 100).rounded())
                refusal =
                    "pruning would delete \(group.gone.count) of the \(group.stored) stored documents (\(share)%) of "
                    + "\(group.name), more than prune.max_fraction (\(maxFraction)): nothing was pruned; check the "
                    + "source, then run again with --force-prune to delete them"
                return
            }
        }
        deletions = candidates.flatMap(\.gone)
    }
}
