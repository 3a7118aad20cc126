/// A BERT WordPiece tokenizer that gives the same ids and offsets as Hugging Face `tokenizers` for the same
/// `tokenizer.json` (BertNormalizer + BertPreTokenizer + WordPiece + [CLS]/[SEP] template).
///
/// Immutable after loading and safe to share between tasks. Encoding never fails: text the vocabulary cannot
/// spell becomes `[UNK]`, and truncation is the caller's choice (`maxLength`), never a setting of the file.
public final class BertTokenizer: Sendable {
    /// How the tokenizer normalizes and splits text (read from tokenizer.json or tokenizer_config.json).
    public struct Configuration: Sendable, Hashable {
        public var lowercase: Bool = true
        /// nil follows `lowercase`, as in BERT.
        public var stripAccents: Bool? = nil
        public var handleChineseCharacters: Bool = true
        public var cleanText: Bool = true
        /// Longer words (in normalized scalars) become a single `[UNK]`.
        public var maxInputCharactersPerWord: Int = 100
        public var continuingSubwordPrefix: String = "##"
        public var unknownToken: String = "[UNK]"
        public var classifierToken: String = "[CLS]"
        public var separatorToken: String = "[SEP]"
        public var paddingToken: String = "[PAD]"
        /// Tokens matched verbatim in the raw text before normalization (the special tokens).
        public var specialTokens: [String] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

        public init() {}
    }

    public let configuration: Configuration
    let vocabulary: Vocabulary
    let normalizer: BertNormalizer
    let specialMatcher: SpecialTokenMatcher
    public let unknownID: Int32
    public let classifierID: Int32
    public let separatorID: Int32
    public let paddingID: Int32

    /// Builds a tokenizer from a vocabulary (token → id) and a configuration.
    ///
    /// - Throws: `TokenizerError` when the unknown, classifier, separator or padding token is not in the
    ///   vocabulary (`source` names the file in the message).
    public init(
        vocabulary ids: [String: Int32], configuration: Configuration, source: String = "vocabulary"
    )
        throws(TokenizerError)
    {
        self.configuration = configuration
        vocabulary = Vocabulary(ids: ids, continuingPrefix: configuration.continuingSubwordPrefix)
        func id(_ token: String, _ role: String) throws(TokenizerError) -> Int32 {
            guard let id = ids[token] else {
                throw TokenizerError(path: source, message: "the \(role) token \(token) is not in the vocabulary")
            }
            return id
        }
        unknownID = try id(configuration.unknownToken, "unknown")
        classifierID = try id(configuration.classifierToken, "classifier")
        separatorID = try id(configuration.separatorToken, "separator")
        paddingID = try id(configuration.paddingToken, "padding")
        var specials: [(String, Int32)] = []
        for token in configuration.specialTokens {
            specials.append((token, try id(token, "special")))
        }
        specialMatcher = SpecialTokenMatcher(specials)
        normalizer = BertNormalizer(
            options: .init(
                cleanText: configuration.cleanText,
                handleChineseCharacters: configuration.handleChineseCharacters,
                stripAccents: configuration.stripAccents ?? configuration.lowercase,
                lowercase: configuration.lowercase))
    }

    /// Number of entries in the vocabulary.
    public var vocabularySize: Int { vocabulary.count }

    /// The token string for `id` (for display; "" for an unknown id).
    public func token(for id: Int32) -> String {
        vocabulary.token(id)
    }

    /// The id of a token string such as "[MASK]" or "##ing".
    public func id(for token: String) -> Int32? {
        vocabulary.id(of: token)
    }

    /// Encodes one text: `[CLS] tokens [SEP]` (or just the tokens without special tokens).
    ///
    /// - Parameter maxLength: the most tokens to return, special tokens included; the text's tokens are cut
    ///   from the end. nil keeps everything.
    public func encode(_ text: String, addSpecialTokens: Bool = true, maxLength: Int? = nil) -> Encoding {
        var pieces = Encoding()
        tokenize(text, into: &pieces)
        guard addSpecialTokens else {
            if let maxLength { pieces.truncate(to: max(0, maxLength)) }
            return pieces
        }
        if let maxLength { pieces.truncate(to: max(0, maxLength - 2)) }
        var encoding = Encoding()
        encoding.reserveCapacity(pieces.count + 2)
        appendSpecial(classifierID, typeID: 0, to: &encoding)
        encoding.append(contentsOf: pieces, typeID: 0)
        appendSpecial(separatorID, typeID: 0, to: &encoding)
        return encoding
    }

    /// `[CLS] ids [SEP]`, for word pieces that were tokenized already (a chunk cut from a longer text).
    public func encoding(wrapping ids: ArraySlice<Int32>) -> Encoding {
        var encoding = Encoding()
        encoding.reserveCapacity(ids.count + 2)
        appendSpecial(classifierID, typeID: 0, to: &encoding)
        let none = TokenOffset(start: 0, end: 0)
        for id in ids {
            encoding.append(id: id, typeID: 0, offset: none, utf8Offset: none, special: false)
        }
        appendSpecial(separatorID, typeID: 0, to: &encoding)
        return encoding
    }

    /// Whether `id` continues a word ("##ing"), so a chunk should not start there.
    public func isContinuation(_ id: Int32) -> Bool {
        vocabulary.isContinuation(id)
    }

    /// Encodes a pair: `[CLS] first [SEP] second [SEP]`, type ids 0 then 1.
    ///
    /// - Parameter maxLength: the most tokens to return, special tokens included. Tokens are removed from the
    ///   longer text first (Hugging Face's `longest_first`).
    public func encode(_ first: String, pair second: String, maxLength: Int? = nil) -> Encoding {
        var a = Encoding()
        var b = Encoding()
        tokenize(first, into: &a)
        tokenize(second, into: &b)
        if let maxLength {
            let (keepA, keepB) = Self.longestFirst(a.count, b.count, budget: max(0, maxLength - 3))
            a.truncate(to: keepA)
            b.truncate(to: keepB)
        }
        var encoding = Encoding()
        encoding.reserveCapacity(a.count + b.count + 3)
        appendSpecial(classifierID, typeID: 0, to: &encoding)
        encoding.append(contentsOf: a, typeID: 0)
        appendSpecial(separatorID, typeID: 0, to: &encoding)
        encoding.append(contentsOf: b, typeID: 1)
        appendSpecial(separatorID, typeID: 1, to: &encoding)
        return encoding
    }

    /// Encodes texts and pads them to the longest: the model's three input matrices.
    public func encodeBatch(_ texts: [String], maxLength: Int? = nil) -> BatchEncoding {
        BatchEncoding(texts.map { encode($0, maxLength: maxLength) }, padID: paddingID)
    }

    /// How many tokens of two sequences of lengths `a` and `b` to keep within `budget`: the longer one is
    /// shortened first, and when both must be cut they share the budget (the first gets the odd token only if
    /// it was the longer).
    static func longestFirst(_ a: Int, _ b: Int, budget: Int) -> (Int, Int) {
        guard a + b > budget else { return (a, b) }
        let swapped = a > b
        var short = swapped ? b : a
        var long: Int
        if short > budget {
            long = short
        } else {
            long = max(short, budget - short)
        }
        if short + long > budget {
            short = budget / 2
            long = short + budget % 2
        }
        return swapped ? (min(a, long), min(b, short)) : (min(a, short), min(b, long))
    }

    private func appendSpecial(_ id: Int32, typeID: Int32, to encoding: inout Encoding) {
        let none = TokenOffset(start: 0, end: 0)
        encoding.append(id: id, typeID: typeID, offset: none, utf8Offset: none, special: true)
    }
}
