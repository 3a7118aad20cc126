import Foundation

/// What a run may remove from the store, decided per source before anything is removed: the documents pruned
/// because their source no longer has them, and the indexed documents that lose their vectors because they are
/// now rejects (emptied, truncated to invalid UTF-8, replaced by a binary file).
///
/// Removal is where an unattended run can do the most damage (an unmounted volume looks like a deleted corpus;
/// a botched sync that empties every file looks like a corpus of empty documents), so:
/// - a source that was not read in full (a folder that could not be listed, a file that vanished) is not pruned;
/// - a source that yielded no documents at all (an empty mount point) is never pruned, even with `force`;
/// - when more than `maxFraction` of a source's stored documents would be removed (pruned and demoted
///   together), nothing at all is removed unless `force`: the run reports it and fails, and the demoted
///   documents keep their indexed versions;
/// - documents of sources no longer in the definition form a group of their own under the same rule.
struct RemovalPlan: Equatable {
    /// The keys to prune.
    var deletions: [String] = []
    /// Whether the demotions (indexed documents now rejected) may be applied.
    var demotionsAllowed = true
    /// Sources kept from pruning, and why (for the run's report).
    var notes: [String] = []
    /// Why nothing was removed, when a share was too large.
    var refusal: String?

    /// How a run read one source (from `SourceReport`) and what it is.
    struct Source {
        var path: String
        /// True for a JSON Lines file or a single-file source: its documents' `source` is the path itself.
        var isFile: Bool
        var documents: Int
        var complete: Bool

        /// The definition's sources, with what this run read of each (`reports` by source index; whether it is
        /// a folder as the reader saw it, not as it is now: a folder renamed since must keep its documents).
        static func all(_ definition: PipelineDefinition, reports: [Int: SourceReport]) -> [Source] {
            definition.sources.enumerated().map { index, source in
                let report = reports[index]
                return Source(
                    path: source.path, isFile: !(report?.isFolder ?? (source.format == .files)),
                    documents: report?.documents ?? 0, complete: report?.complete ?? false)
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
        var demoted = 0
    }

    /// - Parameters:
    ///   - sources: the definition's sources as this run read them.
    ///   - prune: whether documents no longer in their source are to be deleted.
    ///   - demoted: indexed documents this run found rejected.
    ///   - stored: calls its argument with every stored document's key and source path.
    ///   - seen: whether this run met a key (documents, unchanged, rejected and failed ones alike).
    init(
        sources: [Source], maxFraction: Double, force: Bool, prune: Bool, demoted: Set<String> = [],
        stored: ((_ key: String, _ source: String) throws -> Void) throws -> Void, seen: @escaping (String) -> Bool
    ) rethrows {
        var groups = sources.map { Group(name: $0.path) }
        var orphans = Group(name: "sources no longer in the definition")
        try stored { key, source in
            // The most specific source owns a document (a source nested inside another's folder).
            var owner: Int?
            for (index, candidate) in sources.enumerated() where candidate.owns(source) {
                if owner.map({ sources[$0].path.count < candidate.path.count }) ?? true { owner = index }
            }
            let gone = prune && !seen(key)
            let isDemoted = demoted.contains(key)
            if let owner {
                groups[owner].stored += 1
                if gone { groups[owner].gone.append(key) }
                if isDemoted { groups[owner].demoted += 1 }
            } else {
                orphans.stored += 1
                if gone { orphans.gone.append(key) }
            }
        }
        var checked: [Group] = []
        for (source, var group) in zip(sources, groups) {
            if !group.gone.isEmpty && !source.complete {
                notes.append(
                    "\(source.path) was not read in full: none of its \(group.stored) stored documents were pruned")
                group.gone = []
            } else if !group.gone.isEmpty && source.documents == 0 {
                notes.append(
                    "\(source.path) yielded no documents: its \(group.stored) stored documents were kept "
                        + "(a source that yields no documents is never pruned)")
                group.gone = []
            }
            checked.append(group)
        }
        // Documents no current source owns are pruned only when every source was read in full: one that was not
        // (a folder renamed or unmounted) may be where they live.
        if sources.allSatisfy(\.complete) {
            checked.append(orphans)
        } else if !orphans.gone.isEmpty {
            notes.append(
                "\(orphans.gone.count) documents of no current source were kept, as not every source was read in full")
        }
        if !force {
            for group in checked where group.stored > 0 {
                let removed = group.gone.count + group.demoted
                guard Double(removed) > maxFraction * Double(group.stored) else { continue }
                let share = Int((Double(removed) / Double(group.stored) * 100).rounded())
                var parts: [String] = []
                if !group.gone.isEmpty { parts.append("\(group.gone.count) gone from the source") }
                if group.demoted > 0 {
                    parts.append("\(group.demoted) now rejected (emptied, invalid or too large)")
                }
                refusal =
                    "this run would remove \(removed) of the \(group.stored) stored documents (\(share)%) of "
                    + "\(group.name) (\(parts.joined(separator: ", "))), more than prune.max_fraction "
                    + "(\(maxFraction)): nothing was removed, and rejected documents keep their indexed versions; "
                    + "check the source, then run again with --force-prune"
                demotionsAllowed = false
                return
            }
        }
        deletions = checked.flatMap(\.gone)
    }
}
