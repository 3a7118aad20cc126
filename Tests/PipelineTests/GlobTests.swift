import Pipeline
import Testing

@Suite struct GlobTests {
    @Test(arguments: [
        ("**/*.md", "a.md", true), ("**/*.md", "x/y/a.md", true), ("**/*.md", "a.txt", false),
        ("*.md", "deep/path/a.md", true),  // no slash: matches the file name anywhere
        ("docs/*.md", "docs/a.md", true), ("docs/*.md", "docs/sub/a.md", false),
        ("docs/**", "docs/sub/a.md", true), ("**/drafts/**", "a/drafts/b.md", true),
        ("**/drafts/**", "drafts/b.md", true), ("**/drafts/**", "a/draftsman/b.md", false),
        ("file?.txt", "file1.txt", true), ("file?.txt", "file10.txt", false),
        ("[abc]*.txt", "b.txt", true), ("[!abc]*.txt", "b.txt", false), ("[a-c]x", "bx", true),
        ("CHANGELOG.md", "x/CHANGELOG.md", true), ("x/CHANGELOG.md", "y/CHANGELOG.md", false),
    ])
    func matches(pattern: String, path: String, expected: Bool) {
        #expect(Glob(pattern).matches(path) == expected)
    }
}
