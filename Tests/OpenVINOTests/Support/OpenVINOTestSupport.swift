import VectorMath
import Foundation
import OpenVINO
import TestSupport

/// Token ids for whitespace-separated words that are whole entries of the model's vocab.txt. Enough to
/// feed the model known sentences before (and independently of) the project's tokenizer.
struct VocabularyLookup {
    let ids: [String: Int64]

    init() throws {
        let text = try String(contentsOf: ProjectPaths.model().appendingPathComponent("vocab.txt"), encoding: .utf8)
        var ids: [String: Int64] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            ids[String(line)] = Int64(index)
        }
        self.ids = ids
    }

    /// [CLS] words [SEP]
    func encode(_ words: String) -> [Int64] {
        [101] + words.split(separator: " ").map { ids[String($0)] ?? 100 } + [102]
    }
}

/// Sets input_ids / attention_mask / token_type_ids for a padded batch.
func setInputs(_ request: InferRequest, _ sequences: [[Int64]], length: Int? = nil, only: String? = nil) throws {
    let seq = length ?? sequences.map(\.count).max() ?? 0
    let ids = try Tensor(.i64, shape: [sequences.count, seq])
    let mask = try Tensor(.i64, shape: [sequences.count, seq])
    let types = try Tensor(.i64, shape: [sequences.count, seq])
    ids.withUnsafeMutableBufferPointer(as: Int64.self) { idBuffer in
        mask.withUnsafeMutableBufferPointer(as: Int64.self) { maskBuffer in
            types.withUnsafeMutableBufferPointer(as: Int64.self) { typeBuffer in
                for row in sequences.indices {
                    for column in 0..<seq {
                        let index = row * seq + column
                        let present = column < sequences[row].count
                        idBuffer[index] = present ? sequences[row][column] : 0
                        maskBuffer[index] = present ? 1 : 0
                        typeBuffer[index] = 0
                    }
                }
            }
        }
    }
    for (name, tensor) in [("input_ids", ids), ("attention_mask", mask), ("token_type_ids", types)]
    where only == nil || only == name {
        try request.setInput(name, tensor)
    }
}

func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
    Float(VectorMath.cosine(Array(a), Array(b)))
}
