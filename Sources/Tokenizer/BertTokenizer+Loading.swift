#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension BertTokenizer {
    /// Loads the tokenizer of a model directory: `tokenizer.json` when present, else `vocab.txt` (with
    /// `tokenizer_config.json` for casing, when present).
    ///
    /// - Throws: `TokenizerError` naming the file: missing, unreadable, invalid JSON, or a tokenizer this
    ///   class does not implement (only BERT WordPiece with the BERT normalizer and pre-tokenizer).
    public convenience init(directory: String) throws(TokenizerError) {
        let json = directory + "/tokenizer.json"
        let vocab = directory + "/vocab.txt"
        if FileManager.default.fileExists(atPath: json) {
            try self.init(tokenizerJSON: json)
        } else if FileManager.default.fileExists(atPath: vocab) {
            try self.init(vocabularyFile: vocab, configurationFile: directory + "/tokenizer_config.json")
        } else {
            throw TokenizerError(path: directory, message: "no tokenizer.json or vocab.txt in this directory")
        }
    }

    /// Loads a Hugging Face `tokenizer.json`. Its truncation and padding settings are ignored on purpose:
    /// callers choose the maximum length.
    public convenience init(tokenizerJSON path: String) throws(TokenizerError) {
        let data = try Self.read(path)
        let file: TokenizerFile
        do {
            file = try JSONDecoder().decode(TokenizerFile.self, from: data)
        } catch {
            throw TokenizerError(path: path, message: "not a tokenizer.json this tool can read: \(error)")
        }
        guard file.model.type == "WordPiece" else {
            throw TokenizerError(path: path, message: "model.type is \(file.model.type), only WordPiece is supported")
        }
        var configuration = Configuration()
        if let normalizer = file.normalizer {
            guard normalizer.type == "BertNormalizer" else {
                throw TokenizerError(
                    path: path, message: "normalizer.type is \(normalizer.type), only BertNormalizer is supported")
            }
            configuration.cleanText = normalizer.clean_text ?? true
            configuration.handleChineseCharacters = normalizer.handle_chinese_chars ?? true
            configuration.stripAccents = normalizer.strip_accents
            configuration.lowercase = normalizer.lowercase ?? true
        } else {
            configuration.cleanText = false
            configuration.handleChineseCharacters = false
            configuration.stripAccents = false
            configuration.lowercase = false
        }
        if let preTokenizer = file.pre_tokenizer, preTokenizer.type != "BertPreTokenizer" {
            throw TokenizerError(
                path: path, message: "pre_tokenizer.type is \(preTokenizer.type), only BertPreTokenizer is supported")
        }
        configuration.unknownToken = file.model.unk_token ?? "[UNK]"
        configuration.continuingSubwordPrefix = file.model.continuing_subword_prefix ?? "##"
        configuration.maxInputCharactersPerWord = file.model.max_input_chars_per_word ?? 100
        let added = file.added_tokens ?? []
        if let normalized = added.first(where: { $0.normalized ?? !$0.special }) {
            throw TokenizerError(
                path: path, message: "added token \(normalized.content) is matched after normalization: not supported")
        }
        configuration.specialTokens = added.map(\.content)
        if let (classifier, separator) = try file.post_processor?.classifierAndSeparator(path: path) {
            configuration.classifierToken = classifier
            configuration.separatorToken = separator
        }
        var vocabulary = file.model.vocab
        for token in added where vocabulary[token.content] == nil {
            vocabulary[token.content] = token.id
        }
        if vocabulary["[PAD]"] == nil, let first = added.first {
            configuration.paddingToken = first.content
        }
        try self.init(vocabulary: vocabulary, configuration: configuration, source: path)
    }

    /// Loads a `vocab.txt` (one token per line, id = line number), with casing from `tokenizer_config.json`
    /// when that file exists.
    public convenience init(vocabularyFile path: String, configurationFile: String? = nil) throws(TokenizerError) {
        let text = String(decoding: try Self.read(path), as: UTF8.self)
        var vocabulary: [String: Int32] = [:]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            // Trailing whitespace is not part of the token; a later duplicate wins, as in `tokenizers`.
            var token = Substring(line)
            while let last = token.unicodeScalars.last, last.properties.isWhitespace {
                token = Substring(token.unicodeScalars.dropLast())
            }
            vocabulary[String(token)] = Int32(index)
        }
        var configuration = Configuration()
        if let configurationFile, FileManager.default.fileExists(atPath: configurationFile) {
            let data = try Self.read(configurationFile)
            do {
                let settings = try JSONDecoder().decode(TokenizerConfigFile.self, from: data)
                configuration.lowercase = settings.do_lower_case ?? true
                configuration.stripAccents = settings.strip_accents
                configuration.handleChineseCharacters = settings.tokenize_chinese_chars ?? true
            } catch {
                throw TokenizerError(path: configurationFile, message: "invalid JSON: \(error)")
            }
        }
        configuration.specialTokens = configuration.specialTokens.filter { vocabulary[$0] != nil }
        try self.init(vocabulary: vocabulary, configuration: configuration, source: path)
    }

    private static func read(_ path: String) throws(TokenizerError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenizerError(path: path, message: "cannot be read (missing or not a file)")
        }
        return data
    }
}

// The parts of tokenizer.json this tokenizer reads (field names as in the file).
private struct TokenizerFile: Decodable {
    struct Model: Decodable {
        var type: String
        var vocab: [String: Int32]
        var unk_token: String?
        var continuing_subword_prefix: String?
        var max_input_chars_per_word: Int?
    }

    struct Normalizer: Decodable {
        var type: String
        var clean_text: Bool?
        var handle_chinese_chars: Bool?
        var strip_accents: Bool?
        var lowercase: Bool?
    }

    struct PreTokenizer: Decodable {
        var type: String
    }

    struct AddedToken: Decodable {
        var id: Int32
        var content: String
        var special: Bool
        var normalized: Bool?
    }

    struct PostProcessor: Decodable {
        struct TemplatePiece: Decodable {
            struct Special: Decodable {
                var id: String
            }
            var SpecialToken: Special?
        }

        struct NamedToken: Decodable {
            var name: String

            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                name = try container.decode(String.self)
            }
        }

        var type: String
        var single: [TemplatePiece]?
        var cls: NamedToken?
        var sep: NamedToken?

        func classifierAndSeparator(path: String) throws(TokenizerError) -> (String, String) {
            switch type {
            case "BertProcessing":
                if let cls, let sep { return (cls.name, sep.name) }
            case "TemplateProcessing":
                let specials = (single ?? []).compactMap { $0.SpecialToken?.id }
                if specials.count == 2 { return (specials[0], specials[1]) }
            default:
                break
            }
            throw TokenizerError(
                path: path, message: "post_processor \(type) is not the BERT template [CLS] $A [SEP] / $B [SEP]")
        }
    }

    var model: Model
    var normalizer: Normalizer?
    var pre_tokenizer: PreTokenizer?
    var added_tokens: [AddedToken]?
    var post_processor: PostProcessor?
}

private struct TokenizerConfigFile: Decodable {
    var do_lower_case: Bool?
    var strip_accents: Bool?
    var tokenize_chinese_chars: Bool?
}
