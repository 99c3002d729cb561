import Datasets
import Foundation
import XCTest

/// Vocabulary order, specials, count limits, the file format and its errors.
final class VocabularyTests: XCTestCase {
    /// Counts: the 4, a 3, cat 3, sat 2, on 2, mat 1, dog 1, <unk> (not counted) 2.
    private let training = [["the", "cat", "sat", "on", "the", "mat"],
                            ["the", "dog", "sat", "on", "a", "cat"],
                            ["a", "cat", "<unk>", "a", "the", "<unk>"]]

    func testSpecialsFirstThenDescendingCountThenCodePointOrder() {
        let vocabulary = Vocabulary(training: training, minimumCount: 1)
        XCTAssertEqual(vocabulary.tokens,
                       ["<pad>", "<unk>", "<sos>", "<eos>", "the", "a", "cat", "on", "sat", "dog", "mat"])
        XCTAssertEqual([Vocabulary.padID, Vocabulary.unknownID, Vocabulary.startID, Vocabulary.endID], [0, 1, 2, 3])
        XCTAssertEqual(Vocabulary.specialTokens, ["<pad>", "<unk>", "<sos>", "<eos>"])
        XCTAssertEqual(vocabulary.count, 11)
    }

    func testMinimumCountAndMaximumSize() {
        XCTAssertEqual(Vocabulary(training: training).tokens.dropFirst(4), ["the", "a", "cat", "on", "sat"])
        XCTAssertEqual(Vocabulary(training: training, minimumCount: 3).tokens.dropFirst(4), ["the", "a", "cat"])
        XCTAssertEqual(Vocabulary(training: training, minimumCount: 1, maximumSize: 6).tokens.dropFirst(4), ["the", "a"])
        XCTAssertEqual(Vocabulary(training: training, maximumSize: 4).tokens, Vocabulary.specialTokens)
    }

    /// Upper case sorts before lower case and "Z" before "a", as Python's code-point order has it;
    /// the order does not depend on the order of the sentences.
    func testTiesAreBrokenByCodePoint() {
        let sentences = [["b", "a", "Z", "\u{E9}", "e"]]
        let vocabulary = Vocabulary(training: sentences, minimumCount: 1)
        XCTAssertEqual(vocabulary.tokens.dropFirst(4), ["Z", "a", "b", "e", "\u{E9}"])
        XCTAssertEqual(Vocabulary(training: [sentences[0].reversed()], minimumCount: 1), vocabulary)
    }

    func testEncodeDecodeAndUnknownWords() {
        let vocabulary = Vocabulary(training: training)
        XCTAssertEqual(vocabulary.encode(["the", "cat", "barked", "<unk>", "<pad>", "<eos>"]), [4, 6, 1, 1, 1, 1])
        XCTAssertEqual(vocabulary.decode([2, 4, 6, 1, 3, 5, 0]), ["the", "cat", "<unk>"])
        XCTAssertEqual(vocabulary.token(for: 3), "<eos>")
        XCTAssertEqual(vocabulary.unknownRate(in: [["the", "dog"], ["mat", "cat"]]), 0.5)
    }

    /// Code points decide identity: "é" precomposed and decomposed are two words, as in Python.
    func testCanonicallyEquivalentTokensStayApart() {
        let vocabulary = Vocabulary(training: [["\u{E9}", "\u{E9}", "e\u{301}", "e\u{301}"]])
        XCTAssertEqual(vocabulary.count, 6)
        XCTAssertNotEqual(vocabulary.id(of: "\u{E9}"), vocabulary.id(of: "e\u{301}"))
    }

    func testSaveAndLoadRoundTrip() throws {
        let vocabulary = Vocabulary(training: training + [["\u{E9}", "\u{E9}", "\u{1F600}", "\u{1F600}"]])
        let url = try makeTemporaryDirectory().appendingPathComponent(Vocabulary.fileName)
        try vocabulary.write(to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8),
                       vocabulary.tokens.map { $0 + "\n" }.joined())
        let loaded = try Vocabulary.load(from: url)
        XCTAssertEqual(loaded, vocabulary)
        XCTAssertEqual(loaded.id(of: "cat"), vocabulary.id(of: "cat"))
        // Writing again replaces the file whole.
        try Vocabulary(training: training, minimumCount: 3).write(to: url)
        XCTAssertEqual(try Vocabulary.load(from: url).count, 7)
    }

    func testWriteIntoAMissingFolderIsAnError() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("absent/vocabulary.txt")
        let error = assertThrows(TextDataError.self) { try Vocabulary(training: training).write(to: url) }
        XCTAssertEqual(error, .unwritable(path: url.path, reason: "No such file or directory"))
        assertSentence(error!, mentions: [url.path, "could not be written"])
    }

    func testLoadAcceptsAMissingFinalNewline() throws {
        let url = try writeFile("<pad>\n<unk>\n<sos>\n<eos>\nthe")
        XCTAssertEqual(try Vocabulary.load(from: url).tokens.last, "the")
    }

    // MARK: Errors

    func testMissingEmptyAndDirectory() throws {
        let folder = try makeTemporaryDirectory()
        let missing = folder.appendingPathComponent("absent.txt")
        XCTAssertEqual(assertThrows(TextDataError.self) { try Vocabulary.load(from: missing) },
                       .fileNotFound(path: missing.path))
        let empty = try writeFile("")
        assertError(empty, .emptyFile(path: empty.path), mentions: ["is empty"])
        assertError(folder, .unreadable(path: folder.path, reason: "it is a directory"), mentions: ["could not be read"])
    }

    func testMalformedFilesNameTheLine() throws {
        let cases: [(String, Int, String)] = [
            ("<pad>\n<unk>\n<eos>\n<sos>\nthe\n", 3, "expected the special token <sos>"),
            ("the\n<pad>\n", 1, "expected the special token <pad>"),
            ("<pad>\n<unk>\n<sos>\n<eos>\nthe\n\ncat\n", 6, "blank"),
            ("<pad>\n<unk>\n<sos>\n<eos>\nthe cat\n", 5, "contains white space"),
            ("<pad>\n<unk>\n<sos>\n<eos>\nthe\r\n", 5, "U+D"),
            ("<pad>\n<unk>\n<sos>\n<eos>\nthe\ncat\nthe\n", 7, "already appears on line 5"),
            ("<pad>\n<unk>\n<sos>\n<eos>\n<unk>\n", 5, "already appears on line 2"),
            ("<pad>\n<unk>\n", 3, "ends after 2 of the 4 special tokens"),
        ]
        for (text, line, phrase) in cases {
            let url = try writeFile(text)
            let error = assertThrows(TextDataError.self) { try Vocabulary.load(from: url) }
            guard case .malformedVocabulary(let path, let reportedLine, _)? = error else {
                XCTFail("\(text.debugDescription): expected a malformed-vocabulary error, got \(String(describing: error))")
                continue
            }
            XCTAssertEqual(path, url.path)
            XCTAssertEqual(reportedLine, line, text.debugDescription)
            assertSentence(error!, mentions: [url.path, "line \(line)", phrase])
        }
    }

    func testInvalidUTF8IsAnError() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("bytes.txt")
        try Data(Array("<pad>\n<unk>\n<sos>\n<eos>\ncaf".utf8) + [0xE9, 0x0A]).write(to: url)
        assertError(url, .malformedVocabulary(path: url.path, line: 5, reason: "the bytes are not valid UTF-8"),
                    mentions: ["line 5", "UTF-8"])
    }

    // MARK: Helpers

    private func writeFile(_ text: String) throws -> URL {
        let url = try makeTemporaryDirectory().appendingPathComponent("vocabulary.txt")
        try Data(text.utf8).write(to: url)
        return url
    }

    private func assertError(_ url: URL, _ expected: TextDataError, mentions phrases: [String],
                             file: StaticString = #filePath, line: UInt = #line) {
        let error = assertThrows(TextDataError.self, file: file, line: line) { try Vocabulary.load(from: url) }
        XCTAssertEqual(error, expected, file: file, line: line)
        if let error { assertSentence(error, mentions: [url.path] + phrases, file: file, line: line) }
    }
}

extension XCTestCase {
    /// Checks that an error's message is one sentence containing every phrase.
    func assertSentence(_ error: TextDataError, mentions phrases: [String],
                        file: StaticString = #filePath, line: UInt = #line) {
        let message = error.description
        XCTAssertTrue(message.hasSuffix("."), "not a sentence: \(message)", file: file, line: line)
        XCTAssertFalse(message.dropLast().contains(". "), "more than one sentence: \(message)", file: file, line: line)
        for phrase in phrases {
            XCTAssertTrue(message.contains(phrase), "message lacks “\(phrase)”: \(message)", file: file, line: line)
        }
    }
}
