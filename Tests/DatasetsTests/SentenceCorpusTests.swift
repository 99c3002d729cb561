import Datasets
import Foundation
import XCTest

/// A user's text files as a corpus: layouts, held-out splits, the length limit and errors.
final class SentenceCorpusTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try makeTemporaryDirectory()
    }

    private func file(_ name: String, _ text: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    private func lines(_ count: Int, length: (Int) -> Int = { _ in 3 }) -> String {
        (0..<count).map { i in (0..<length(i)).map { "w\(i)x\($0)" }.joined(separator: " ") }.joined(separator: "\n")
    }

    func testSeparateFilesOneSentencePerLine() throws {
        let training = try file("train.txt", "\u{FEFF}The cat sat.\r\n\nIt's a dog!\n")
        let validation = try file("valid.txt", "A mat.\n")
        let test = try file("test.txt", "  \nNo, never\n")
        let corpus = try SentenceCorpus(training: training, heldOut: .files(validation: validation, test: test))
        XCTAssertEqual(corpus.training, [["the", "cat", "sat", "."], ["it's", "a", "dog", "!"]])
        XCTAssertEqual(corpus.validation, [["a", "mat", "."]])
        XCTAssertEqual(corpus.test, [["no", ",", "never"]])
        let noTest = try SentenceCorpus(training: training, heldOut: .files(validation: validation, test: nil))
        XCTAssertEqual(noTest.test, [])
    }

    func testRunningTextAndCasePreserved() throws {
        let training = try file("book.txt", "Call me Ishmael. Some years ago, never mind\nhow long! Precisely?\n\nChapter 2\n")
        let reading = SentenceCorpus.Reading(splitting: .runningText, tokenizer: Tokenizer(lowercases: false))
        let corpus = try SentenceCorpus(training: training, heldOut: .files(validation: training, test: nil), reading: reading)
        XCTAssertEqual(corpus.training.map { $0.joined(separator: " ") },
                       ["Call me Ishmael .", "Some years ago , never mind how long !", "Precisely ?", "Chapter 2"])
    }

    /// Carving takes ⌊f·n⌋ sentences per held-out split by a seeded permutation; the three
    /// splits partition the file, each in file order; the same seed carves the same way.
    func testCarvedSplits() throws {
        let training = try file("all.txt", lines(200))
        let heldOut = SentenceCorpus.HeldOut.carved(validationFraction: 0.1, testFraction: 0.05, seed: 7)
        let corpus = try SentenceCorpus(training: training, heldOut: heldOut)
        XCTAssertEqual([corpus.training.count, corpus.validation.count, corpus.test.count], [170, 20, 10])
        let all = try SentenceCorpus.sentences(in: training)
        let position = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1[0], $0) })
        for split in [corpus.training, corpus.validation, corpus.test] {
            let order = split.map { position[$0[0]]! }
            XCTAssertEqual(order, order.sorted())
        }
        XCTAssertEqual(Set((corpus.training + corpus.validation + corpus.test).map { $0[0] }), Set(all.map { $0[0] }))
        XCTAssertEqual(try SentenceCorpus(training: training, heldOut: heldOut), corpus)
        let other = try SentenceCorpus(training: training, heldOut: .carved(validationFraction: 0.1, testFraction: 0.05, seed: 8))
        XCTAssertNotEqual(other.validation, corpus.validation)
    }

    /// Longer training sentences are dropped by default or truncated on request; held-out
    /// sentences are kept whole either way.
    func testMaximumLengthDropOrTruncate() throws {
        let training = try file("train.txt", lines(10, length: { $0 + 1 }))
        let validation = try file("valid.txt", lines(3, length: { _ in 9 }))
        let heldOut = SentenceCorpus.HeldOut.files(validation: validation, test: nil)
        let dropped = try SentenceCorpus(training: training, heldOut: heldOut, maximumLength: 4)
        XCTAssertEqual(dropped.training.map(\.count), [1, 2, 3, 4])
        XCTAssertEqual(dropped.validation.map(\.count), [9, 9, 9])
        let truncated = try SentenceCorpus(training: training, heldOut: heldOut, maximumLength: 4, overlong: .truncate)
        XCTAssertEqual(truncated.training.map(\.count), [1, 2, 3, 4, 4, 4, 4, 4, 4, 4])
        XCTAssertEqual(truncated.training[9], ["w9x0", "w9x1", "w9x2", "w9x3"])
        XCTAssertEqual(truncated.validation.map(\.count), [9, 9, 9])
    }

    // MARK: Errors

    func testMissingEmptyAndDirectoryFiles() throws {
        let missing = folder.appendingPathComponent("absent.txt")
        let good = try file("good.txt", "a b c\n")
        var error = assertThrows(TextDataError.self) {
            try SentenceCorpus(training: missing, heldOut: .files(validation: good, test: nil))
        }
        XCTAssertEqual(error, .fileNotFound(path: missing.path))
        assertSentence(error!, mentions: [missing.path, "does not exist"])

        let blank = try file("blank.txt", " \n\t\n")
        error = assertThrows(TextDataError.self) {
            try SentenceCorpus(training: good, heldOut: .files(validation: good, test: blank))
        }
        XCTAssertEqual(error, .emptyFile(path: blank.path))
        assertSentence(error!, mentions: [blank.path, "empty"])

        error = assertThrows(TextDataError.self) { try SentenceCorpus.sentences(in: folder) }
        XCTAssertEqual(error, .unreadable(path: folder.path, reason: "it is a directory"))
        assertSentence(error!, mentions: [folder.path, "could not be read"])
    }

    func testUnreadableFileGivesTheSystemReason() throws {
        try XCTSkipIf(getuid() == 0, "root can read a file without read permission")
        let locked = try file("locked.txt", "a b c\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: locked.path)
        let error = assertThrows(TextDataError.self) { try SentenceCorpus.sentences(in: locked) }
        XCTAssertEqual(error, .unreadable(path: locked.path, reason: "Permission denied"))
    }

    func testLengthLimitThatEmptiesTrainingIsAnError() throws {
        let training = try file("long.txt", lines(3, length: { _ in 8 }))
        let error = assertThrows(TextDataError.self) {
            try SentenceCorpus(training: training, heldOut: .files(validation: training, test: nil), maximumLength: 5)
        }
        assertSentence(error!, mentions: [training.path, "all 3 training sentences are longer than the maximum length of 5 tokens"])
    }

    func testBadFractions() throws {
        let training = try file("few.txt", lines(3))
        for (validation, test) in [(0.6, 0.4), (-0.1, 0.1), (Double.infinity, 0)] {
            let error = assertThrows(TextDataError.self) {
                try SentenceCorpus(training: training, heldOut: .carved(validationFraction: validation, testFraction: test, seed: 1))
            }
            XCTAssertEqual(error, .invalidSplitFractions(validation: validation, test: test))
        }
        // ⌊0.34·3⌋ = 1 each, leaving 1; fractions below 1 in total always leave a training sentence.
        let corpus = try SentenceCorpus(training: training, heldOut: .carved(validationFraction: 0.34, testFraction: 0.34, seed: 1))
        XCTAssertEqual([corpus.training.count, corpus.validation.count, corpus.test.count], [1, 1, 1])
        assertSentence(TextDataError.invalidSplitFractions(validation: 0.6, test: 0.4), mentions: ["0.6", "0.4", "below 1"])
    }
}
