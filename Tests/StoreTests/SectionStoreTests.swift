import Store
import TestSupport
import StoreFixtures
import Testing

@testable import Store

@Suite struct SectionStoreTests {
    /// A document whose chunks lie under the given sections.
    func documentWithSections(_ key: String, _ chunks: [(section: String, text: String)]) -> DocumentInput {
        var input = document(key, chunks: chunks.map(\.text))
        for index in input.chunks.indices { input.chunks[index].section = chunks[index].section }
        return input
    }

    func store(_ directory: TemporaryDirectory) throws -> Store {
        let store = try makeStore(directory)
        try store.write(documents: [
            documentWithSections(
                "guide.md",
                [
                    ("Guide > Install > Linux", "Install the package with apt and check the service starts."),
                    ("Guide > Install > macOS", "Install the package with brew and check the service starts."),
                    ("Guide > Usage", "Run the service and check the log."),
                ]),
            document("notes.txt", chunks: ["Install notes: the package service starts at boot."]),
        ])
        return store
    }

    @Test func sectionsAreStoredAndReturnedWithHits() throws {
        let directory = try TemporaryDirectory()
        let store = try store(directory)
        let hits = try store.keywordSearch("brew", k: 5)
        #expect(hits.map(\.documentKey) == ["guide.md"])
        #expect(hits.first?.section == "Guide > Install > macOS")
        #expect(try store.keywordSearch("boot", k: 5).first?.section == "")
    }

    @Test func theSectionFilterKeepsOnlyChunksUnderIt() throws {
        let directory = try TemporaryDirectory()
        let store = try store(directory)
        let index = try store.loadVectorIndex()
        let query = document("guide.md", chunks: ["x", "y"]).chunks[1].embedding  // the macOS chunk's vector
        // Without a filter the nearest chunk is the macOS one; under "linux" (any case) only the Linux chunk is
        // left, in every kind of search.
        #expect(try store.search(query, k: 1, index: index).first?.section == "Guide > Install > macOS")
        let linux = SearchFilter(section: "linux")
        #expect(
            try store.search(query, k: 5, filter: linux, index: index).map(\.section) == ["Guide > Install > Linux"])
        #expect(try store.exactSearch(query, k: 5, filter: linux).map(\.section) == ["Guide > Install > Linux"])
        #expect(
            try store.vectorCandidates(query, candidates: 5, filter: linux, index: index).map(\.chunkID)
                == [try #require(try store.connection.scalarInt("SELECT id FROM chunks WHERE section LIKE '%Linux'"))])
        #expect(
            try store.keywordSearch("install package", k: 5, filter: linux).map(\.section) == [
                "Guide > Install > Linux"
            ])
        // A path's part, "Install >", matches both chunks under it; a plain text has no section to match.
        let install = SearchFilter(section: "Install >")
        #expect(try Set(store.keywordSearch("package", k: 5, filter: install).map(\.section)).count == 2)
        // LIKE's wildcards are searched as themselves.
        #expect(try store.keywordSearch("package", k: 5, filter: SearchFilter(section: "%")).isEmpty)
        #expect(try store.keywordSearch("package", k: 5, filter: SearchFilter(section: "Install_")).isEmpty)
        #expect(Store.likeContaining("a%b_c\\") == "%a\\%b\\_c\\\\%")
    }

    @Test func aStoreWithChunksKeepsItsChunkingWhenUpgraded() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("v2.sqlite")
        try TokenStateStoreTests.makeSchemaTwoStore(at: path)
        // Read as it is: no sections, and a section filter says why it cannot be applied.
        let reader = try Store(path: path, mode: .readOnly)
        #expect(try reader.hits([(1, 1)]).first?.section == "")
        let error = #expect(throws: StoreError.self) {
            try reader.keywordSearch("checkpoint", k: 1, filter: SearchFilter(section: "x"))
        }
        #expect(error?.message.contains("into a new store") == true)
        // Upgraded by a writer: its chunks were cut as plain text, so it records that.
        let writer = try Store(path: path)
        #expect(try writer.setting("chunk_structure") == "none")
        #expect(try writer.connection.scalarText("SELECT section FROM chunks") == "")
        // An empty store records nothing: its first run chooses.
        let fresh = try makeStore(directory, name: "new.sqlite")
        #expect(try fresh.setting("chunk_structure") == nil)
    }

    @Test func mergeCarriesSections() throws {
        let directory = try TemporaryDirectory()
        let shard = try store(directory)
        let merged = try makeStore(directory, name: "merged.sqlite")
        try merged.merge(from: shard.path)
        #expect(try merged.keywordSearch("brew", k: 1).first?.section == "Guide > Install > macOS")
    }

    @Test func aChunkIsFoundUnderEveryHeadingItHoldsAndItsLabelIsItsFirst() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        try store.write(documents: [
            documentWithSections("doc.md", [("Doc > Three\nDoc > License", "Three's text. License: MIT.")])
        ])
        #expect(
            try store.keywordSearch("mit", k: 1, filter: SearchFilter(section: "license")).first?.section
                == "Doc > Three")
        // A section cannot match across two of them.
        #expect(try store.keywordSearch("mit", k: 1, filter: SearchFilter(section: "Three\nDoc")).isEmpty)
        #expect(Store.likeContaining("%\u{301}") == "%\\%\u{301}%")
        #expect(Store.likeContaining("a\nb") == nil)
    }

    @Test func aKeywordSearchUnderASectionFindsItsChunkAmongManyMatches() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        // 1,200 chunks say "apple"; the one under Target says it least, so it ranks last.
        var documents = (0..<1_200).map { documentWithSections("d\($0).md", [("Fruit", "apple apple apple pie")]) }
        documents.append(
            documentWithSections("t.md", [("Fruit > Target", "an apple and much other text here and there")]))
        try store.write(documents: documents)
        #expect(
            try store.keywordSearch("apple", k: 5, filter: SearchFilter(section: "Target")).map(\.documentKey) == [
                "t.md"
            ])
    }

    @Test func anOlderStoreWithChunksReadsAsUnstructuredEverywhere() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("v2.sqlite")
        try TokenStateStoreTests.makeSchemaTwoStore(at: path)
        let reader = try Store(path: path, mode: .readOnly)
        #expect(try reader.setting("chunk_structure") == "none")
        #expect(try reader.settings().contains { $0 == ("chunk_structure", "none") })
        #expect(throws: StoreError.self) {
            try reader.verify(setting: "chunk_structure", is: "auto", meaning: "chunk structure")
        }
        let error = #expect(throws: StoreError.self) {
            try reader.keywordSearch("checkpoint", k: 1, filter: SearchFilter(section: "x"))
        }
        #expect(error?.kind == .unsupported)
        // Merged into a new store, its chunks make the new store unstructured too.
        let merged = try makeStore(directory, name: "merged.sqlite")
        try merged.merge(from: path)
        #expect(try merged.setting("chunk_structure") == "none")
    }
}
