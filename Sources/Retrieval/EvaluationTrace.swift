import TextIO

extension QueryTrace {
    /// One line of an evaluation trace (`ovindex eval --trace`, read by scripts/tune_query.py): the relevant
    /// documents, the vector and keyword candidates as [chunk id, document] pairs best first, and the
    /// late-interaction score of every chunk in either list, by chunk id.
    public func jsonLine(relevant: Set<String>) -> [UInt8] {
        var writer = JSONWriter(capacity: 4096)
        writer.object { line in
            line.field("relevant") { $0.array(relevant.sorted()) { $0.string($1) } }
            for (name, list) in [("vector", vector), ("keyword", keyword)] {
                line.field(name) { writer in
                    writer.array(list) { writer, item in
                        writer.array([0, 1]) { writer, position in
                            if position == 0 { writer.integer(item.chunkID) } else { writer.string(item.documentKey) }
                        }
                    }
                }
            }
            line.field("late") { writer in
                writer.object { late in
                    for (id, score) in lateInteraction.sorted(by: { $0.key < $1.key }) {
                        late.field(String(id)) { $0.double(Double(score)) }
                    }
                }
            }
        }
        writer.newline()
        return writer.bytes
    }
}
