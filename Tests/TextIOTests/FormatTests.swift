import TextIO
import Testing

@Suite struct FormatTests {
    @Test(arguments: [
        (0.5, 1, "0.5"), (3.14159, 2, "3.14"), (1.0, 3, "1.000"), (2.5, 0, "3"), (-0.04, 1, "0.0"),
        (-1.26, 1, "-1.3"), (12345.678, 2, "12345.68"), (0.0004, 3, "0.000"),
    ])
    func fixedRoundsHalfAwayFromZeroKeepsItsDecimalsAndHasNoNegativeZero(value: Double, places: Int, expected: String) {
        #expect(Format.fixed(value, places) == expected)
    }

    @Test func sizesClocksAndFields() {
        #expect(Format.bytes(812) == "812 B")
        #expect(Format.bytes(1536) == "1.5 KB")
        #expect(Format.bytes(385 << 20) == "385.0 MB")
        #expect(Format.clock(3723) == "01:02:03")
        #expect(Format.rounded(0.123456, 4) == 0.1235)
        #expect(Format.tabSeparatedField("a\tb\\c\nd\re") == "a\\tb\\\\c\\nd\\re")
        #expect(Format.snippet("a  b\n c", 10) == "a b c")
        #expect(Format.snippet("abcdefghij", 5) == "abcd…")
        #expect(Format.clip("abcdefghij", 5) == "…ghij")
        #expect(Format.padded("ab", 4) == "ab  ")
    }
}
