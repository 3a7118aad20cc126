import Foundation
import Host
import Store
import Synthetic
import Tokenizer

/// Benchmarks for measurements that go in docs/measurements and closing notes. Release builds only:
///
///     swift build -c release --product ovindex-bench
///     .build/release/ovindex-bench tokenize MODEL_DIR FILE [RUNS]
///
/// Prints one JSON line per run so scripts can take medians and compare with other tools in the same run.
@main
struct Bench {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let command = arguments.first else {
            System.writeStandardError("usage: ovindex-bench tokenize|store-fill|store-query ...\n")
            System.exit(64)
        }
        switch command {
        case "tokenize":
            try tokenize(Array(arguments.dropFirst()))
        case "store-fill":
            try StoreBench.fill(Array(arguments.dropFirst()))
        case "store-query":
            try StoreBench.query(Array(arguments.dropFirst()))
        case "rerank":
            try await RerankBench.run(Array(arguments.dropFirst()))
        case "pipeline":
            try await PipelineBench.run(Array(arguments.dropFirst()))
        case "corpus":
            // ovindex-bench corpus FOLDER MEGABYTES: generated prose, documents of about 800 words.
            guard arguments.count == 3, let megabytes = Int(arguments[2]) else {
                throw BenchError("corpus FOLDER MEGABYTES")
            }
            let documents = megabytes * 1_000_000 / 5_000
            try GeneratedCorpus.write(to: URL(fileURLWithPath: arguments[1]), documents: documents, words: 800)
        default:
            System.writeStandardError("unknown benchmark \(command)\n")
            System.exit(64)
        }
    }

    /// Tokenizes every document of a JSON Lines FILE (`{"text": ...}` per line), untruncated, without special
    /// tokens, and reports MB/s of UTF-8 input and a checksum of all ids (to compare with other tokenizers).
    static func tokenize(_ arguments: [String]) throws {
        guard arguments.count >= 2 else { throw BenchError("tokenize MODEL_DIR FILE.jsonl [RUNS]") }
        let tokenizer = try BertTokenizer(directory: arguments[0])
        let lines = try String(contentsOfFile: arguments[1], encoding: .utf8).split(separator: "\n")
        struct Document: Decodable { var text: String }
        let decoder = JSONDecoder()
        let documents = try lines.map { try decoder.decode(Document.self, from: Data($0.utf8)).text }
        let runs = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
        let bytes = documents.reduce(0) { $0 + $1.utf8.count }
        for run in 1...runs {
            let clock = ContinuousClock()
            var encoded: [[Int32]] = []
            encoded.reserveCapacity(documents.count)
            let elapsed = clock.measure {
                for document in documents {
                    encoded.append(tokenizer.encode(document, addSpecialTokens: false).ids)
                }
            }
            var tokens = 0
            var checksum: UInt64 = 0xcbf2_9ce4_8422_2325
            for ids in encoded {
                tokens += ids.count
                for id in ids { checksum = (checksum &* 0x0000_0100_0000_01b3) ^ UInt64(id) }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                "{\"tool\": \"ovindex\", \"run\": \(run), \"documents\": \(documents.count), \"bytes\": \(bytes), "
                    + "\"tokens\": \(tokens), \"checksum\": \"\(String(checksum, radix: 16))\", "
                    + "\"seconds\": \(seconds), \"mb_per_s\": \(Double(bytes) / 1e6 / seconds)}")
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = "usage: ovindex-bench " + description }
}

extension BenchError: ExitStatusError {
    var exitStatus: ExitStatus { .failure }
}
