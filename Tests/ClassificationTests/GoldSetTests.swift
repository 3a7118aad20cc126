import Classification
import TestSupport
import Testing

@Suite struct GoldSetTests {
    @Test func aSeedDrawsTheSameExamplesAndEveryLabelKeepsItemsToScore() throws {
        let directory = try TemporaryDirectory()
        let labels = try LabelSet.read(
            try directory.write("l.jsonl", #"{"label": "a", "description": "x"}"# + "\n" + #"{"label": "b", "description": "y"}"#))
        let lines = (0..<10).map { #"{"document": "a\#($0)", "label": "a"}"# } + (0..<3).map { #"{"text": "b\#($0)", "label": "b"}"# }
        let gold = try GoldSet.read(try directory.write("g.jsonl", lines.joined(separator: "\n")), labels: labels)
        #expect(gold.items.count == 13)
        let first = gold.split(examplesPerLabel: 4, seed: 7)
        let again = gold.split(examplesPerLabel: 4, seed: 7)
        let other = gold.split(examplesPerLabel: 4, seed: 8)
        #expect(first.examples == again.examples)
        #expect(first.examples != other.examples)
        #expect(first.examples.filter { $0.label == 0 }.count == 4)
        // b has 3 items: 2 are drawn, 1 is left to score.
        #expect(first.examples.filter { $0.label == 1 }.count == 2)
        #expect(first.rest.count == 13 - 6)
        #expect(Set(first.examples.map(\.source)).isDisjoint(with: first.rest.map(\.source)))
        let unknown = #expect(throws: ClassificationInputError.self) {
            try GoldSet.read(try directory.write("u.jsonl", #"{"text": "t", "label": "z"}"#), labels: labels)
        }
        #expect(unknown?.message.contains("label z is not in the label file") == true)
    }
}
