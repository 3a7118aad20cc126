import Foundation
import TestSupport
import Testing

@Suite struct TokenizeCommandTests {
    func lines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func printsIdsTokensAndScalarOffsets() throws {
        let result = try runOvindex(["tokenize"], input: "Café 野口!\n")
        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(try lines(result.stdout).first)
        #expect(record["id"] as? Int == 1)
        #expect(record["tokens"] as? [String] == ["[CLS]", "cafe", "野", "口", "!", "[SEP]"])
        #expect(record["ids"] as? [Int] == [101, 7668, 1963, 1788, 999, 102])
        #expect(record["offsets"] as? [[Int]] == [[0, 0], [0, 4], [5, 6], [6, 7], [7, 8], [0, 0]])
        #expect(record["type_ids"] == nil)
    }

    @Test func pairsFromJSONLinesCarryTypeIdsAndTruncateLongestFirst() throws {
        let input =
            #"{"id": "q1", "text": "what is ovindex", "pair": "a batch vector indexing pipeline written in swift"}"#
        let result = try runOvindex(["tokenize", "--jsonl", "--pair", "--max-length", "10"], input: input + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(try lines(result.stdout).first)
        #expect(record["id"] as? String == "q1")
        let tokens = try #require(record["tokens"] as? [String])
        #expect(tokens.count == 10)
        #expect(tokens.filter { $0 == "[SEP]" }.count == 2)
        #expect(record["type_ids"] as? [Int] == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    }

    @Test func badLineStopsWithItsLineNumberUnlessSkipped() throws {
        let input = #"{"text": "good"}"# + "\n{\"text\": 5}\n" + #"{"text": "after"}"# + "\n"
        let strict = try runOvindex(["tokenize", "--jsonl"], input: input)
        #expect(strict.status == 65)
        #expect(strict.stderr.contains("stdin:2: \"text\" is not a string"))
        #expect(strict.stderr.contains("--skip-invalid"))

        let lenient = try runOvindex(["tokenize", "--jsonl", "--skip-invalid"], input: input)
        #expect(lenient.status == 0)
        #expect(try lines(lenient.stdout).count == 2)
        #expect(lenient.stderr.contains("skipped stdin:2"))
    }

    @Test func missingModelIsStatus69() throws {
        let result = try runOvindex(["tokenize", "--model", "/nonexistent/model"], input: "x\n")
        #expect(result.status == 69)
        #expect(result.stderr.contains("/nonexistent/model"))
    }

    @Test func missingInputFileIsStatus66() throws {
        let result = try runOvindex(["tokenize", "/nonexistent/texts.txt"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("/nonexistent/texts.txt: cannot open"))
    }
}
