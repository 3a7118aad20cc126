@_spi(_Unicode) import Swift

/// The BERT normalizer and pre-tokenizer's verdict on one scalar of the original text, decided once.
///
/// Hugging Face `tokenizers` runs, in order: clean text (drop NUL, U+FFFD and control/format/private-use
/// characters; map whitespace to a space), pad CJK ideographs with spaces, strip accents (NFD, then drop
/// nonspacing marks), lowercase; then splits on whitespace and isolates punctuation. Every step maps one
/// original scalar to zero or more normalized scalars that all point back at it, so the whole pipeline is a
/// per-scalar function. `BertNormalizer` evaluates it for the Basic Multilingual Plane once, at load time,
/// into a table; other planes (emoji, rare scripts) are evaluated when met.
///
/// To give the same ids, character classes follow the Unicode versions `tokenizers` was built with, not the
/// newer one Swift ships: categories (control, format, nonspacing mark, punctuation) come from Unicode 8.0
/// tables (crate unicode_categories 0.1.1) and decompositions from Unicode 9.0 (unicode-normalization-alignments
/// 0.1.12). A character assigned after those versions is, to `tokenizers`, an unassigned code point: kept
/// as a plain word character.
struct BertNormalizer: Sendable {
    struct Options: Sendable, Hashable {
        var cleanText: Bool
        var handleChineseCharacters: Bool
        var stripAccents: Bool
        var lowercase: Bool
    }

    /// How a normalized scalar takes part in pre-tokenization.
    enum Role: UInt8, Sendable {
        /// Part of a word.
        case word
        /// A word on its own (punctuation, CJK ideographs).
        case isolated
        /// Ends the current word and is dropped (whitespace).
        case separator
    }

    struct Piece: Sendable, Equatable {
        var scalar: UInt32
        var role: Role
    }

    /// The normalized scalars one original scalar turns into.
    enum Plan: Sendable, Equatable {
        case removed
        case single(Piece)
        case many([Piece])
        /// Several scalars that form one word on their own (a CJK ideograph with a multi-scalar normal form).
        case group([Piece])
    }

    let options: Options
    /// BMP plans packed in 32 bits: bits 24...31 the kind, bits 0...23 a scalar or an index into `complex`.
    private let table: [UInt32]
    private let complex: [[Piece]]
    /// BMP combining-class profiles (see `combiningProfile`).
    private let profiles: [UInt16]

    /// The profile of a scalar that clean-text removes: it takes no part in canonical ordering.
    static let removedProfile: UInt16 = 0xFFFF

    private static let kindRemoved: UInt32 = 0
    private static let kindWord: UInt32 = 1
    private static let kindIsolated: UInt32 = 2
    private static let kindSeparator: UInt32 = 3
    private static let kindMany: UInt32 = 4
    private static let kindGroup: UInt32 = 5

    init(options: Options) {
        self.options = options
        var table = [UInt32](repeating: 0, count: 0x10000)
        var complex: [[Piece]] = []
        var profiles = [UInt16](repeating: Self.removedProfile, count: 0x10000)
        for value in 0..<UInt32(0x10000) {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
            profiles[Int(value)] = Self.combiningProfile(scalar, options)
            switch Self.evaluate(scalar, options) {
            case .removed:
                table[Int(value)] = Self.kindRemoved << 24
            case .single(let piece):
                let kind: UInt32 =
                    switch piece.role {
                    case .word: Self.kindWord
                    case .isolated: Self.kindIsolated
                    case .separator: Self.kindSeparator
                    }
                table[Int(value)] = kind << 24 | piece.scalar
            case .many(let pieces):
                table[Int(value)] = Self.kindMany << 24 | UInt32(complex.count)
                complex.append(pieces)
            case .group(let pieces):
                table[Int(value)] = Self.kindGroup << 24 | UInt32(complex.count)
                complex.append(pieces)
            }
        }
        self.table = table
        self.complex = complex
        self.profiles = profiles
    }

    /// The combining classes at both ends of a scalar's decomposition (first << 8 | last), or
    /// `removedProfile`. NFD reorders marks only where a decomposition starts with a class below the class the
    /// previous one ended with; the tokenizer checks that to know when the per-scalar table is not enough.
    @inline(__always)
    func combiningProfile(_ value: UInt32) -> UInt16 {
        if value < 0x10000 { return profiles[Int(value)] }
        return Unicode.Scalar(value).map { Self.combiningProfile($0, options) } ?? Self.removedProfile
    }

    static func combiningProfile(_ scalar: Unicode.Scalar, _ options: Options) -> UInt16 {
        if options.cleanText, scalar.value == 0 || scalar.value == 0xFFFD || isControl(scalar) {
            return removedProfile
        }
        if options.cleanText, isWhitespace(scalar) { return 0 }
        guard options.stripAccents else { return 0 }
        let parts = decomposition(scalar)
        let first = UInt16(parts.first.map(combiningClass) ?? 0)
        let last = UInt16(parts.last.map(combiningClass) ?? 0)
        return first << 8 | last
    }

    /// The plan for `value`, from the table for the BMP.
    @inline(__always)
    func plan(_ value: UInt32) -> Plan {
        guard value < 0x10000 else {
            return Unicode.Scalar(value).map { Self.evaluate($0, options) } ?? .removed
        }
        let entry = table[Int(value)]
        let payload = entry & 0x00FF_FFFF
        switch entry >> 24 {
        case Self.kindWord: return .single(Piece(scalar: payload, role: .word))
        case Self.kindIsolated: return .single(Piece(scalar: payload, role: .isolated))
        case Self.kindSeparator: return .single(Piece(scalar: payload, role: .separator))
        case Self.kindMany: return .many(complex[Int(payload)])
        case Self.kindGroup: return .group(complex[Int(payload)])
        default: return .removed
        }
    }

    /// The normalizer and pre-tokenizer applied to one scalar (the reference the table is built from).
    static func evaluate(_ scalar: Unicode.Scalar, _ options: Options) -> Plan {
        var scalars: [Unicode.Scalar] = [scalar]
        if options.cleanText {
            if scalar.value == 0 || scalar.value == 0xFFFD || isControl(scalar) { return .removed }
            if isWhitespace(scalar) { return .single(Piece(scalar: 0x20, role: .separator)) }
        }
        let chinese = options.handleChineseCharacters && isChineseCharacter(scalar)
        if options.stripAccents {
            scalars = decomposition(scalar)
            scalars.removeAll { isNonspacingMark($0) }
        }
        if options.lowercase {
            scalars = scalars.flatMap { $0.properties.lowercaseMapping.unicodeScalars }
        }
        let pieces = scalars.map { normalized -> Piece in
            let role: Role =
                if isWhitespace(normalized) {
                    .separator
                } else if chinese || isPunctuation(normalized) {
                    .isolated
                } else {
                    .word
                }
            return Piece(scalar: normalized.value, role: role)
        }
        switch pieces.count {
        case 0: return .removed
        case 1: return .single(pieces[0])
        default:
            // A CJK ideograph that normalizes to several scalars still forms one word on its own.
            return chinese ? .group(pieces.map { Piece(scalar: $0.scalar, role: .word) }) : .many(pieces)
        }
    }

    /// BERT's control characters: Unicode categories Cc, Cf and Co (as of Unicode 8.0), except tab, newline
    /// and carriage return.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\r": return false
        default:
            switch scalar.properties.generalCategory {
            case .control, .privateUse: return true
            case .format: return unicode8Category(scalar) == .format
            default: return false
            }
        }
    }

    /// The canonical decomposition (NFD) of one scalar, as of Unicode 9.0.
    static func decomposition(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        guard scalar.value >= 0xC0, isAssigned(scalar, byMajor: 9) else { return [scalar] }
        return Array(String(scalar)._nfd)
    }

    /// The canonical combining class NFD sorts marks by, as of Unicode 9.0 (0 for later characters).
    static func combiningClass(_ scalar: Unicode.Scalar) -> UInt8 {
        guard scalar.value >= 0x300, isAssigned(scalar, byMajor: 9) else { return 0 }
        return scalar.properties.canonicalCombiningClass.rawValue
    }

    /// Category Mn as of Unicode 8.0.
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        unicode8Category(scalar) == .nonspacingMark
    }

    /// The general category as of Unicode 8.0; nil for characters assigned later.
    ///
    /// Swift's tables are newer. Beyond the characters added since, `scripts/compare_tokenizer.py
    /// --all-code-points` found exactly these characters whose category changed after 8.0 in a way BERT notices.
    static func unicode8Category(_ scalar: Unicode.Scalar) -> Unicode.GeneralCategory? {
        switch scalar.value {
        case 0x166D: return .otherPunctuation  // CANADIAN SYLLABICS CHI SIGN: So since 12.0
        case 0x1734: return .nonspacingMark  // HANUNOO SIGN PAMUDPOD: Mc since 14.0
        case 0x1885, 0x1886: return .otherLetter  // MONGOLIAN ALI GALI BALUDA marks: Mn since 9.0
        case 0xA9BD: return .spacingMark  // JAVANESE CONSONANT SIGN KERET: Mn since 12.0
        case 0x111C9: return .otherPunctuation  // SHARADA SANDHI MARK: Mn since 12.0
        case 0x1171E: return .nonspacingMark  // AHOM CONSONANT SIGN MEDIAL RA: Mc in newer Unicode
        default: return isAssigned(scalar, byMajor: 8) ? scalar.properties.generalCategory : nil
        }
    }

    /// Whether `scalar` was assigned in Unicode `major`.x or earlier.
    static func isAssigned(_ scalar: Unicode.Scalar, byMajor major: Int) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major <= major
    }

    /// Unicode White_Space, plus tab, newline and carriage return.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\r", " ": return true
        default: return scalar.properties.isWhitespace
        }
    }

    /// ASCII punctuation and symbols (BERT counts `$`, `+`, `^`, ... as punctuation) and the Unicode P*
    /// categories as of Unicode 8.0.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default:
            switch unicode8Category(scalar) {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                .initialPunctuation, .finalPunctuation, .otherPunctuation:
                return true
            default:
                return false
            }
        }
    }

    /// The CJK Unified Ideographs blocks BERT splits into single characters (not Hangul, kana or symbols).
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
