extension BertTokenizer {
    /// Appends the word pieces of `text` (no [CLS]/[SEP]) to `encoding`, with type id 0.
    ///
    /// - Parameter exactly: always take the step-by-step path (the tests check both paths agree).
    func tokenize(_ text: String, into encoding: inout Encoding, exactly: Bool = false) {
        var text = text
        text.withUTF8 { utf8 in
            let mark = encoding.count
            if exactly || !tokenizeFast(utf8, into: &encoding) {
                // Out-of-order combining marks: NFD reorders them, which the per-scalar table cannot express.
                encoding.truncate(to: mark)
                tokenizeExactly(utf8, into: &encoding)
            }
        }
    }

    /// The common path: one table lookup per scalar. Returns false, having stopped, when canonical reordering
    /// would move a mark (then only `tokenizeExactly` gives Hugging Face's offsets).
    private func tokenizeFast(_ utf8: UnsafeBufferPointer<UInt8>, into encoding: inout Encoding) -> Bool {
        var word = WordBuffer()
        var offset = 0
        var scalarIndex: Int32 = 0
        var lastClass: UInt16 = 0
        while offset < utf8.count {
            let lead = utf8[offset]
            if let special = specialMatcher.match(utf8, at: offset) {
                flush(&word, into: &encoding)
                offset = Self.append(special, at: offset, scalarIndex: scalarIndex, into: &encoding)
                scalarIndex += special.scalarCount
                lastClass = 0
                continue
            }
            let (value, length) = decodeScalar(utf8, at: offset, lead: lead)
            if value >= 0x300 {
                let profile = normalizer.combiningProfile(value)
                if profile != BertNormalizer.removedProfile {
                    let first = profile >> 8
                    if first != 0 && first < lastClass { return false }
                    lastClass = profile & 0xFF
                }
            } else {
                lastClass = 0
            }
            let source = Source(scalar: scalarIndex, utf8Start: Int32(offset), utf8End: Int32(offset + length))
            switch normalizer.plan(value) {
            case .removed:
                break
            case .single(let piece):
                add(piece, from: source, to: &word, encoding: &encoding)
            case .many(let pieces):
                for piece in pieces { add(piece, from: source, to: &word, encoding: &encoding) }
            case .group(let pieces):
                flush(&word, into: &encoding)
                for piece in pieces { word.append(piece.scalar, from: source) }
                flush(&word, into: &encoding)
            }
            offset += length
            scalarIndex += 1
        }
        flush(&word, into: &encoding)
        return true
    }

    /// The normalizer step by step, as `tokenizers` runs it on each text between special tokens: clean
    /// text, pad CJK, NFD with canonical reordering, where each output scalar takes the position of the next
    /// input scalar (so a reordered mark takes its neighbour's offsets, as in `tokenizers`), strip marks,
    /// lowercase, then pre-tokenize.
    private func tokenizeExactly(_ utf8: UnsafeBufferPointer<UInt8>, into encoding: inout Encoding) {
        let options = normalizer.options
        var word = WordBuffer()
        var cleaned: [(scalar: Unicode.Scalar, source: Source)] = []
        var offset = 0
        var scalarIndex: Int32 = 0

        func normalizeSegment() {
            // NFD: (scalar, class, inserted) triples; marks sorted stably by class between starters.
            var decomposed: [(scalar: Unicode.Scalar, combiningClass: UInt8, inserted: Bool)] = []
            for (scalar, _) in cleaned {
                let parts = options.stripAccents ? BertNormalizer.decomposition(scalar) : [scalar]
                for (index, part) in parts.enumerated() {
                    let combiningClass = options.stripAccents ? BertNormalizer.combiningClass(part) : 0
                    decomposed.append((part, combiningClass, index > 0))
                }
            }
            var runStart = 0
            for index in 0...decomposed.count where index == decomposed.count || decomposed[index].combiningClass == 0 {
                if index - runStart > 1 {
                    let sorted = decomposed[runStart..<index].enumerated()
                        .sorted { ($0.element.combiningClass, $0.offset) < ($1.element.combiningClass, $1.offset) }
                        .map(\.element)
                    decomposed.replaceSubrange(runStart..<index, with: sorted)
                }
                runStart = index + 1
            }
            var consumed = 0
            for (scalar, _, inserted) in decomposed {
                let source: Source
                if inserted {
                    source = cleaned[max(consumed - 1, 0)].source
                } else {
                    source = cleaned[consumed].source
                    consumed += 1
                }
                if options.stripAccents, BertNormalizer.isNonspacingMark(scalar) { continue }
                let lowered = options.lowercase ? Array(scalar.properties.lowercaseMapping.unicodeScalars) : [scalar]
                for normalized in lowered {
                    let role: BertNormalizer.Role =
                        BertNormalizer.isWhitespace(normalized)
                        ? .separator : BertNormalizer.isPunctuation(normalized) ? .isolated : .word
                    add(.init(scalar: normalized.value, role: role), from: source, to: &word, encoding: &encoding)
                }
            }
            cleaned.removeAll(keepingCapacity: true)
            flush(&word, into: &encoding)
        }

        while offset < utf8.count {
            if let special = specialMatcher.match(utf8, at: offset) {
                normalizeSegment()
                offset = Self.append(special, at: offset, scalarIndex: scalarIndex, into: &encoding)
                scalarIndex += special.scalarCount
                continue
            }
            let (value, length) = decodeScalar(utf8, at: offset, lead: utf8[offset])
            let source = Source(scalar: scalarIndex, utf8Start: Int32(offset), utf8End: Int32(offset + length))
            offset += length
            scalarIndex += 1
            guard let scalar = Unicode.Scalar(value) else { continue }
            if options.cleanText {
                if value == 0 || value == 0xFFFD || BertNormalizer.isControl(scalar) { continue }
                if BertNormalizer.isWhitespace(scalar) {
                    cleaned.append((" ", source))
                    continue
                }
            }
            if options.handleChineseCharacters, BertNormalizer.isChineseCharacter(scalar) {
                cleaned.append((" ", source))
                cleaned.append((scalar, source))
                cleaned.append((" ", source))
            } else {
                cleaned.append((scalar, source))
            }
        }
        normalizeSegment()
    }

    @inline(__always)
    private func add(
        _ piece: BertNormalizer.Piece, from source: Source, to word: inout WordBuffer, encoding: inout Encoding
    ) {
        switch piece.role {
        case .word:
            word.append(piece.scalar, from: source)
        case .separator:
            flush(&word, into: &encoding)
        case .isolated:
            flush(&word, into: &encoding)
            word.append(piece.scalar, from: source)
            flush(&word, into: &encoding)
        }
    }

    /// Appends a special token the text spells out at `offset` (scalar `scalarIndex`); returns the offset after it.
    @inline(__always)
    private static func append(
        _ special: SpecialTokenMatcher.Token, at offset: Int, scalarIndex: Int32, into encoding: inout Encoding
    ) -> Int {
        let end = offset + special.bytes.count
        encoding.append(
            id: special.id, typeID: 0, offset: TokenOffset(start: scalarIndex, end: scalarIndex + special.scalarCount),
            utf8Offset: TokenOffset(start: Int32(offset), end: Int32(end)), special: true)
        return end
    }

    /// Runs WordPiece on the buffered word, appends its pieces (or one [UNK]) and empties the buffer.
    private func flush(_ word: inout WordBuffer, into encoding: inout Encoding) {
        let count = word.count
        guard count > 0 else { return }
        defer { word.removeAll() }
        if count > configuration.maxInputCharactersPerWord {
            encoding.append(
                id: unknownID, typeID: 0, offset: word.offset(0, count), utf8Offset: word.utf8Offset(0, count),
                special: false)
            return
        }
        let mark = encoding.count
        var start = 0
        word.bytes.withUnsafeBufferPointer { bytes in
            while start < count {
                let longest = start == 0 ? vocabulary.longestInitial : vocabulary.longestContinuation
                var end = min(count, start + longest)
                var found: Int32?
                while end > start {
                    let slice = UnsafeBufferPointer(
                        rebasing: bytes[Int(word.charStarts[start])..<Int(word.charStarts[end])])
                    if let id = vocabulary.id(slice, continuation: start > 0) {
                        found = id
                        break
                    }
                    end -= 1
                }
                guard let id = found else {
                    start = -1
                    return
                }
                encoding.append(
                    id: id, typeID: 0, offset: word.offset(start, end), utf8Offset: word.utf8Offset(start, end),
                    special: false)
                start = end
            }
        }
        if start < 0 {
            // A piece the vocabulary cannot spell: the whole word is unknown.
            encoding.truncate(to: mark)
            encoding.append(
                id: unknownID, typeID: 0, offset: word.offset(0, count), utf8Offset: word.utf8Offset(0, count),
                special: false)
        }
    }
}

/// Where a normalized scalar came from in the original text.
struct Source {
    var scalar: Int32
    var utf8Start: Int32
    var utf8End: Int32
}

/// One pre-tokenized word: its normalized UTF-8 bytes and, per normalized scalar, its origin.
struct WordBuffer {
    var bytes: [UInt8] = []
    /// Byte offset of each scalar in `bytes`, plus one past the end.
    var charStarts: [Int32] = [0]
    var sources: [Source] = []

    var count: Int { sources.count }

    @inline(__always)
    mutating func append(_ scalar: UInt32, from source: Source) {
        if scalar < 0x80 {
            bytes.append(UInt8(scalar))
        } else if scalar < 0x800 {
            bytes.append(UInt8(0xC0 | (scalar >> 6)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        } else if scalar < 0x10000 {
            bytes.append(UInt8(0xE0 | (scalar >> 12)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        } else {
            bytes.append(UInt8(0xF0 | (scalar >> 18)))
            bytes.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        }
        charStarts.append(Int32(bytes.count))
        sources.append(source)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        charStarts.removeAll(keepingCapacity: true)
        charStarts.append(0)
        sources.removeAll(keepingCapacity: true)
    }

    /// The original scalar span of normalized scalars start..<end.
    @inline(__always)
    func offset(_ start: Int, _ end: Int) -> TokenOffset {
        TokenOffset(start: sources[start].scalar, end: sources[end - 1].scalar + 1)
    }

    /// The original UTF-8 span of normalized scalars start..<end.
    @inline(__always)
    func utf8Offset(_ start: Int, _ end: Int) -> TokenOffset {
        TokenOffset(start: sources[start].utf8Start, end: sources[end - 1].utf8End)
    }
}

/// Decodes the scalar at `offset` of valid UTF-8 (Swift strings always are): its value and byte length.
@inline(__always)
func decodeScalar(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int, lead: UInt8) -> (UInt32, Int) {
    if lead < 0x80 { return (UInt32(lead), 1) }
    if lead < 0xE0 {
        return ((UInt32(lead & 0x1F) << 6) | UInt32(utf8[offset + 1] & 0x3F), 2)
    }
    if lead < 0xF0 {
        return (
            (UInt32(lead & 0x0F) << 12) | (UInt32(utf8[offset + 1] & 0x3F) << 6) | UInt32(utf8[offset + 2] & 0x3F), 3
        )
    }
    return (
        (UInt32(lead & 0x07) << 18) | (UInt32(utf8[offset + 1] & 0x3F) << 12)
            | (UInt32(utf8[offset + 2] & 0x3F) << 6) | UInt32(utf8[offset + 3] & 0x3F), 4
    )
}
