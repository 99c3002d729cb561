@testable import Datasets
import XCTest

/// The tokenizer against Python's `re.findall(r"\w+(?:'\w+)*|[^\w\s]", s.lower())`.
///
/// Every expected list below was printed by CPython 3.11.7 (Unicode 14.0) running that exact
/// expression, as `corpus_fortunes.py` does; escapes spell out the non-ASCII code points.
final class TokenizerTests: XCTestCase {
    private let lowercasing = Tokenizer()
    private let casePreserving = Tokenizer(lowercases: false)

    func testApostrophesInsideWordsAreKept() {
        XCTAssertEqual(lowercasing.tokens(in: "Don't stop-believin', rock'n'roll!"),
                       ["don't", "stop", "-", "believin", "'", ",", "rock'n'roll", "!"])
        XCTAssertEqual(casePreserving.tokens(in: "Don't stop-believin', rock'n'roll!"),
                       ["Don't", "stop", "-", "believin", "'", ",", "rock'n'roll", "!"])
    }

    func testApostrophesOutsideWordsAndDoubledAreTokens() {
        XCTAssertEqual(lowercasing.tokens(in: "'tis the dogs' bone... isn''t it?"),
                       ["'", "tis", "the", "dogs", "'", "bone", ".", ".", ".", "isn", "'", "'", "t", "it", "?"])
        XCTAssertEqual(lowercasing.tokens(in: "__init__ snake_case 3.14 x'"),
                       ["__init__", "snake_case", "3", ".", "14", "x", "'"])
    }

    func testPunctuationAndSymbolsAreSingleTokens() {
        // The typographic apostrophe U+2019 is not ', so it splits "it’s".
        XCTAssertEqual(lowercasing.tokens(in: "It\u{2019}s $5.00 (approx.) \u{2014} 100% <unk>"),
                       ["it", "\u{2019}", "s", "$", "5", ".", "00", "(", "approx", ".", ")", "\u{2014}",
                        "100", "%", "<", "unk", ">"])
        // U+FFFD (from undecodable bytes) and a control character are tokens; no space is.
        XCTAssertEqual(lowercasing.tokens(in: "\u{FFFD}\u{07}bell"), ["\u{FFFD}", "\u{07}", "bell"])
    }

    /// Code points, not grapheme clusters: a combining accent is not a word character.
    func testCombiningMarksNumbersAndLetters() {
        let tokens = lowercasing.tokens(in: "e\u{301}te\u{301} Caf\u{E9} na\u{EF}ve \u{BD} \u{216B} x\u{B2}")
        XCTAssertEqual(tokens.map(scalars),
                       [[0x65], [0x301], [0x74, 0x65], [0x301], [0x63, 0x61, 0x66, 0xE9], [0x6E, 0x61, 0xEF, 0x76, 0x65],
                        [0xBD], [0x217B], [0x78, 0xB2]])
    }

    /// Full lowercase mapping (İ → i + U+0307) and final sigma, as Python's `str.lower()`.
    func testPythonLowercasing() {
        let tokens = lowercasing.tokens(in: "\u{130}STANBUL \u{39F}\u{394}\u{39F}\u{3A3} \u{3A3} \u{3A3}\u{391}. "
                                        + "\u{3A3}\u{39F}\u{3A6}\u{39F}\u{3A3}' stra\u{DF}e \u{391}\u{3A3}'\u{392}")
        XCTAssertEqual(tokens.map(scalars),
                       [[0x69], [0x307], Array("stanbul".unicodeScalars.map(\.value)),
                        [0x3BF, 0x3B4, 0x3BF, 0x3C2], [0x3C3], [0x3C3, 0x3B1], [0x2E],
                        [0x3C3, 0x3BF, 0x3C6, 0x3BF, 0x3C2], [0x27], [0x73, 0x74, 0x72, 0x61, 0xDF, 0x65],
                        [0x3B1, 0x3C3, 0x27, 0x3B2]])
    }

    /// Python's \s: information separators and Unicode spaces split; the zero-width space does not.
    func testWhiteSpaceClasses() {
        XCTAssertEqual(lowercasing.tokens(in: "tab\there\u{1C}fs\u{A0}nbsp\u{3000}ideo\u{200B}zw"),
                       ["tab", "here", "fs", "nbsp", "ideo", "\u{200B}", "zw"])
        XCTAssertEqual(lowercasing.tokens(in: " \t\r\n "), [])
        XCTAssertEqual(lowercasing.tokens(in: ""), [])
    }

    /// Canonically equivalent but different code points stay different tokens, as in Python.
    func testNoUnicodeNormalization() {
        let composed = casePreserving.tokens(in: "\u{C5}")
        let angstrom = casePreserving.tokens(in: "\u{212B}")
        XCTAssertEqual(composed.map(scalars), [[0xC5]])
        XCTAssertEqual(angstrom.map(scalars), [[0x212B]])
    }

    func testWhitespaceRuleKeepsPreTokenizedText() {
        let tokenizer = Tokenizer(rule: .whitespace, lowercases: false)
        XCTAssertEqual(tokenizer.tokens(in: "  the <unk> rose N%  \r"), ["the", "<unk>", "rose", "N%"])
        XCTAssertEqual(Tokenizer(rule: .whitespace).tokens(in: "The Cat"), ["the", "cat"])
    }

    /// Re-tokenizing the reference's output lines (tokens joined by spaces) gives them back.
    func testPatternTokensAreStableUnderRetokenizing() {
        let tokens = lowercasing.tokens(in: "Don't 'tis $5.00, rock'n'roll\u{2019}s \u{BD}!")
        XCTAssertEqual(lowercasing.tokens(in: tokens.joined(separator: " ")), tokens)
    }

    private func scalars(_ token: String) -> [UInt32] { token.unicodeScalars.map(\.value) }
}
