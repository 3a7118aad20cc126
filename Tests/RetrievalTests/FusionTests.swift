import Testing
import VectorMath

@testable import Retrieval

struct FusionTests {
    @Test func itemsInBothListsRiseAboveItemsInOne() {
        // 3 is second in both lists; 1 and 7 top one list each.
        let fused = reciprocalRankFusion([[1, 3, 5], [7, 3, 9]])
        #expect(fused.first?.id == 3)
        #expect(abs(fused[0].score - 2 / 62.0) < 1e-12)
        #expect(Set(fused.map(\.id)) == [1, 3, 5, 7, 9])
        // Ties (1 and 7 both rank first once) keep the order they were first seen in.
        #expect(fused[1].id == 1 && fused[2].id == 7)
    }

    @Test func maxSimTakesEachQueryTokensBestMatchAndAverages() {
        // Two query tokens, three passage tokens, width 2 (unit vectors).
        let query: [Float] = [1, 0, 0, 1]
        let passage: [Float] = [0.6, 0.8, 1, 0, -1, 0]
        let score = VectorMath.maxSim(query: query, queryTokens: 2, passage: passage, passageTokens: 3, width: 2)
        // Token (1,0): best 1 (second passage token); token (0,1): best 0.8 (first) -> mean 0.9.
        #expect(abs(score - 0.9) < 1e-6)
        #expect(VectorMath.maxSim(query: query, queryTokens: 2, passage: [], passageTokens: 0, width: 2) == 0)
    }
}
