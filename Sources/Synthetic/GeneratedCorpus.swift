public import Foundation

/// Deterministic documents of English-looking prose, for pipeline tests and benchmarks.
public enum GeneratedCorpus {
    static let words = """
        the a of and to in is that it for on with as was by at from this be are or an which have not were has but \
        one all their they can more its there been if when would so what will into out about time some these two \
        system data index store query model vector document text chunk token batch memory process file run night \
        river mountain forest garden kitchen bread music light water stone winter summer city road market letter \
        window engine signal number answer question reason method result value table record source limit change \
        early later quickly slowly carefully often never always together between under over after before during
        """.split(whereSeparator: \.isWhitespace).map(String.init)

    /// A paragraphed text of about `words` words.
    public static func text(words count: Int, seed: UInt64) -> String {
        var generator = SplitMix64(seed: seed)
        var paragraphs: [String] = []
        var sentence: [String] = []
        var paragraph: [String] = []
        for index in 0..<count {
            var word = words[Int(generator.next() % UInt64(words.count))]
            if sentence.isEmpty { word = word.prefix(1).uppercased() + word.dropFirst() }
            sentence.append(word)
            if sentence.count > 6 && generator.next() % 6 == 0 || index == count - 1 {
                paragraph.append(sentence.joined(separator: " ") + ".")
                sentence = []
                if generator.next() % 4 == 0 || index == count - 1 {
                    paragraphs.append(paragraph.joined(separator: " "))
                    paragraph = []
                }
            }
        }
        return paragraphs.joined(separator: "\n\n")
    }

    /// Writes `documents` files of `words` words each under `folder` (nested two levels), returns the folder.
    @discardableResult
    public static func write(to folder: URL, documents: Int, words: Int, seed: UInt64 = 1) throws -> URL {
        for index in 0..<documents {
            let subfolder = folder.appendingPathComponent("part-\(index % 7)", isDirectory: true)
            try FileManager.default.createDirectory(at: subfolder, withIntermediateDirectories: true)
            let file = subfolder.appendingPathComponent(String(format: "doc-%05d.txt", index))
            try Data(text(words: words, seed: seed &+ UInt64(index)).utf8).write(to: file)
        }
        return folder
    }
}
