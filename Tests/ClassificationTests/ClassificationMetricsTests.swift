import Classification
import Testing

@Suite struct ClassificationMetricsTests {
    @Test func accuracyPerLabelScoresAndMacroF1() {
        var metrics = ClassificationMetrics(labels: ["a", "b"])
        // a: 3 right, 1 taken for b; b: 1 right, 1 with no label.
        for _ in 0..<3 { metrics.add(gold: 0, predicted: 0) }
        metrics.add(gold: 0, predicted: 1)
        metrics.add(gold: 1, predicted: 1)
        metrics.add(gold: 1, predicted: nil)
        #expect(metrics.items == 6)
        #expect(metrics.accuracy == 4.0 / 6)
        let a = metrics.scores(of: 0)
        #expect(a.precision == 1 && a.recall == 0.75 && a.support == 4)
        let b = metrics.scores(of: 1)
        #expect(b.precision == 0.5 && b.recall == 0.5)
        #expect(abs(metrics.macroF1 - (2 * 0.75 / 1.75 + 0.5) / 2) < 1e-12)
        #expect(metrics.confusion == [[3, 1, 0], [0, 1, 1]])
        // Always answering a: precision 4/6, recall 1 for a, nothing for b.
        #expect(abs(metrics.majorityMacroF1 - (2 * (4.0 / 6) / (4.0 / 6 + 1)) / 2) < 1e-12)
    }
}
