import Testing
import TextIO

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

    @Test func onlyAHeadingOnTheFirstLineWithTextCounts() {
        #expect(DocumentTitle.markdownHeading("Intro text\n# Later heading") == nil)
        #expect(DocumentTitle.markdownHeading("#hashtag is not a heading") == nil)
        #expect(DocumentTitle.markdownHeading("####### seven is not a heading") == nil)
        #expect(DocumentTitle.markdownHeading("#   \nbody") == nil)
        #expect(DocumentTitle.markdownHeading("\u{FEFF}# With a byte order mark") == "With a byte order mark")
    }
}
