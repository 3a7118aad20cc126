import Foundation
import TestSupport
import Testing

@Suite struct EmbedCommandTests {
    struct Row: Decodable {
        var id: Int
        var embedding: [Float]
    }

    @Test func writesOneNormalisedEmbeddingPerLineInInputOrder() throws {
        // Different lengths, so batches are sorted by length internally; the output must not be.
        let texts = (1...40).map { String(repeating: "token\($0) ", count: $0 % 7 + 1) }
        let result = try runOvindex(["embed", "--batch-tokens", "64", "--quiet"], input: texts.joined(separator: "\n"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let rows = try result.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(Row.self, from: Data($0.utf8))
        }
        #expect(rows.map(\.id) == Array(1...40))
        for row in rows {
            #expect(row.embedding.count == 384)
            #expect(abs(row.embedding.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3)
        }
    }

    @Test func npyOutputHasTheShapeAndTheRowsOfJSONLines() throws {
        let directory = try TemporaryDirectory()
        let input = "first text\nsecond text\nthird\n"
        let npy = directory.file("out.npy")
        let result = try runOvindex(["embed", "--format", "npy", "--output", npy, "--precision", "f32"], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: npy))
        #expect(data.prefix(6) == Data([0x93] + Array("NUMPY".utf8)))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.contains("'shape': (3, 384)"))
        #expect((10 + headerLength) % 64 == 0)
        #expect(data.count == 10 + headerLength + 3 * 384 * 4)

        let json = try runOvindex(["embed", "--precision", "f32", "--quiet"], input: input)
        let first = try JSONDecoder().decode(Row.self, from: Data(json.stdout.split(separator: "\n")[0].utf8))
        let floats = data[(10 + headerLength)...].withUnsafeBytes { raw in
            (0..<384).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        }
        #expect(floats == first.embedding)
    }

    @Test func lineOverTheLimitNamesTheLineAndTheLimit() throws {
        let input = "short\n" + String(repeating: "x", count: 300) + "\nshort again\n"
        let strict = try runOvindex(["embed", "--max-line-bytes", "100"], input: input)
        #expect(strict.status == 65)
        #expect(strict.stderr.contains("stdin:2: line is 300 bytes, over the limit of 100 bytes"))

        let lenient = try runOvindex(["embed", "--max-line-bytes", "100", "--skip-invalid"], input: input)
        #expect(lenient.status == 0)
        #expect(lenient.stdout.split(separator: "\n").count == 2)
        #expect(lenient.stderr.contains("1 invalid lines skipped"))
    }

    @Test func invalidUTF8IsReportedWithTheLineNumber() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("texts.txt", bytes: Array("ok\n".utf8) + [0x66, 0xFF, 0x0A])
        let result = try runOvindex(["embed", path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("texts.txt:2: invalid UTF-8 at byte 2"))
    }

    @Test func badOptionValuesAreUsageErrors() throws {
        let precision = try runOvindex(["embed", "--precision", "f8"])
        #expect(precision.status == 64)
        #expect(precision.stderr.contains("--precision expects one of auto, f32, bf16, got 'f8'"))
        let budget = try runOvindex(["embed", "--batch-tokens", "0"])
        #expect(budget.status == 64)
    }
}
