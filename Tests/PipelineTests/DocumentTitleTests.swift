import TestSupport
import Testing
import TextIO
import Tokenizer

@testable import Pipeline

@Suite struct DocumentTitleTests {
    func header(_ key: String, line: Int? = nil, metadata: [String: JSONValue] = [:]) -> DocumentHeader {
        DocumentHeader(key: key, source: key, input: key, line: line, contentHash: "h", byteSize: 1, metadata: metadata)
    }

    @Test func aTitleComesFromMetadataThenAFirstHeadingThenTheDocumentsName() {
        #expect(DocumentTitle.of(header("a.md", metadata: ["title": .string("Given")]), text: "# Heading") == "Given")
        #expect(DocumentTitle.of(header("guide/a.md"), text: "\n\n## Install on Linux ##\nsteps") == "Install on Linux")
        // A file's name words, without its extension.
        #expect(DocumentTitle.of(header("docs/release-notes_2024.txt"), text: "Fixed things.") == "release notes 2024")
        // A JSON Lines id is the record's name as it is.
        #expect(DocumentTitle.of(header("json.decoder", line: 3), text: "Decodes.") == "json.decoder")
    }

    @Test func windowsLineEndsEndTheHeadingAndNoiseIdsGiveNoTitle() {
        #expect(DocumentTitle.markdownHeading("# Title\r\nBody text that is not the title.") == "Title")
        #expect(DocumentTitle.of(header("3f2a9c1e-77b0-4d2e-9a1b-0c8d5e6f7a8b", line: 1), text: "x") == "")
        #expect(DocumentTitle.of(header("12345", line: 1), text: "x") == "")
        #expect(DocumentTitle.of(header("faq/faq-8", line: 1), text: "x") == "faq/faq-8")
    }

    @Test func aLongTitleIsClippedToWhatIsEmbedded() throws {
        let tokenizer = try BertTokenizer(directory: ProjectPaths.model().path)
        let long = (0..<100).map { "word\($0)" }.joined(separator: " ")
        let (text, ids) = DocumentTitle.clipped(long, tokenizer: tokenizer, limit: 8)
        #expect(ids.count == 8)  // seven pieces of the title and the colon
        #expect(long.hasPrefix(text) && text.count < 40)
        #expect(tokenizer.encode(text + ":", addSpecialTokens: false).ids == ids)
        #expect(DocumentTitle.clipped("", tokenizer: tokenizer, limit: 8).ids.isEmpty)
    }

    @Test func onlyAHeadingOnTheFirstLineWithTextCounts() {
        #expect(DocumentTitle.markdownHeading("Intro text\n# Later heading") == nil)
        #expect(DocumentTitle.markdownHeading("#hashtag is not a heading") == nil)
        #expect(DocumentTitle.markdownHeading("####### seven is not a heading") == nil)
        #expect(DocumentTitle.markdownHeading("#   \nbody") == nil)
        #expect(DocumentTitle.markdownHeading("\u{FEFF}# With a byte order mark") == "With a byte order mark")
    }

    @Test func aChunksContextIsItsTitleThenItsHeadingsKeepingTheDeepest() throws {
        let tokenizer = try BertTokenizer(directory: ProjectPaths.model().path)
        func context(_ title: String, _ section: [String], limit: Int = 24) -> String {
            DocumentTitle.context(title: title, section: section, tokenizer: tokenizer, limit: limit).text
        }
        // A first heading that is the title is not said twice.
        #expect(context("File system", ["File system", "Promises API", "fsPromises.open"]) == "File system > Promises API > fsPromises.open")
        #expect(context("guide", ["Install", "Linux"]) == "guide > Install > Linux")
        #expect(context("", ["Install", "Linux"]) == "Install > Linux")
        #expect(context("guide", []) == "guide")
        // Too long: the headings nearest the title go first, the chunk's own heading stays.
        let long = ["first heading with many words", "second heading with many words", "the chunks own heading"]
        let clipped = context("Title", long, limit: 10)
        #expect(clipped == "Title > the chunks own heading")
        let (text, ids) = DocumentTitle.context(title: "Title", section: long, tokenizer: tokenizer, limit: 10)
        #expect(ids.count <= 10 && tokenizer.encode(text + ":", addSpecialTokens: false).ids == ids)
    }

    @Test func aLongTitleLeavesRoomForTheChunksOwnHeading() throws {
        let tokenizer = try BertTokenizer(directory: ProjectPaths.model().path)
        let title = "How to configure the ingress controllers of production Kubernetes clusters across many regions safely"
        let (text, ids) = DocumentTitle.context(
            title: title, section: ["Install", "Troubleshooting networking problems"], tokenizer: tokenizer, limit: 24)
        #expect(ids.count <= 24)
        #expect(!text.hasSuffix(">") && text.contains(" > Troubleshooting"), "\(text)")
        #expect(tokenizer.encode(text + ":", addSpecialTokens: false).ids == ids)
        // A heading without a word piece (a zero-width space) says nothing and leaves no separator behind.
        #expect(DocumentTitle.context(title: "Z", section: ["\u{200B}"], tokenizer: tokenizer, limit: 24).text == "Z")
        // The title and the outline read headings alike: a closing "#" that is text stays.
        #expect(DocumentTitle.markdownHeading("# C#\ntext") == "C#")
        #expect(DocumentTitle.markdownHeading("\u{FEFF}# Bom Title\ntext") == "Bom Title")
        #expect(DocumentTitle.markdownHeading("---\ntitle: x\n---\n\n# After front matter\n") == "After front matter")
    }

    @Test func whichDocumentsAreMarkdown() {
        #expect(ChunkStructure.auto.isMarkdown(key: "docs/Guide.MD"))
        #expect(ChunkStructure.auto.isMarkdown(key: "fs/promises-api.markdown"))
        #expect(!ChunkStructure.auto.isMarkdown(key: "notes.txt"))
        #expect(!ChunkStructure.auto.isMarkdown(key: "json.decoder"))
        #expect(ChunkStructure.markdown.isMarkdown(key: "notes.txt"))
        #expect(!ChunkStructure.none.isMarkdown(key: "a.md"))
    }
}
