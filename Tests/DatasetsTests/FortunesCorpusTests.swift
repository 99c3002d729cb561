@testable import Datasets
import Foundation
import XCTest

/// The fortunes corpus against the reference script `corpus_fortunes.py`, and its pipeline's
/// parts on small inputs.
final class FortunesCorpusTests: XCTestCase {
    /// Built once: the whole pipeline takes a few seconds in a debug build.
    nonisolated(unsafe) private static var cached: FortunesCorpus?

    private func installedCorpus() throws -> FortunesCorpus {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: FortunesCorpus.defaultDirectory.path),
                          "needs Debian's fortunes package (scripts/install-dependencies.sh installs it)")
        if let corpus = Self.cached { return corpus }
        let corpus = try FortunesCorpus()
        Self.cached = corpus
        return corpus
    }

    /// Figures printed by `python corpus_fortunes.py` (defaults: seed 1234, 3–40 tokens) with
    /// fortunes 1:1.99.1-7.3 on Debian 12, and FNV-1a hashes of the train.txt, valid.txt and
    /// test.txt it wrote: the splits are the reference's files, line for line.
    func testMatchesTheReferenceScript() throws {
        let corpus = try installedCorpus()
        XCTAssertEqual(corpus.files.count, 43, "fortunes-min instead of fortunes?")
        XCTAssertEqual(corpus.files.first?.lastPathComponent, "art")
        XCTAssertEqual(corpus.entryCount, 15_217)
        XCTAssertEqual(corpus.rawSentenceCount, 38_522)
        XCTAssertEqual(corpus.keptSentenceCount, 31_436)
        let splits = corpus.splits
        XCTAssertEqual([splits.training.count, splits.validation.count, splits.test.count], [28_292, 1_571, 1_573])
        XCTAssertEqual(splits.training.map(\.count).reduce(0, +), 396_908)
        XCTAssertEqual(splits.validation.map(\.count).reduce(0, +), 21_860)
        XCTAssertEqual(splits.test.map(\.count).reduce(0, +), 22_268)
        XCTAssertEqual(splits.training.first?.joined(separator: " "),
                       "and soon we will certainly find if mermaids are better before or be . . .")
        XCTAssertEqual(splits.test.last?.joined(separator: " "), "but half the bee has got to be , vis - a - vis its entity .")
        XCTAssertEqual(fileHash(splits.training), 0x827B_E2A5_23E3_1775)
        XCTAssertEqual(fileHash(splits.validation), 0xB662_08CE_55AD_3574)
        XCTAssertEqual(fileHash(splits.test), 0x193E_88DD_87BC_9605)
    }

    /// The reference's vocabulary rule (count ≥ 2 over the training split, plus 4 specials) and
    /// its <unk> rates: 3.54%, 5.81% and 5.85% of tokens.
    func testReferenceVocabulary() throws {
        let splits = try installedCorpus().splits
        let vocabulary = Vocabulary(training: splits.training, minimumCount: 2)
        XCTAssertEqual(vocabulary.count, 13_784)
        XCTAssertEqual(Set(splits.training.joined().map(ExactText.init)).count, 27_813, "training word types")
        XCTAssertEqual(vocabulary.unknownRate(in: splits.training), 0.0354, accuracy: 0.00005)
        XCTAssertEqual(vocabulary.unknownRate(in: splits.validation), 0.0581, accuracy: 0.00005)
        XCTAssertEqual(vocabulary.unknownRate(in: splits.test), 0.0585, accuracy: 0.00005)
        XCTAssertEqual(Array(vocabulary.tokens.prefix(8)), ["<pad>", "<unk>", "<sos>", "<eos>", ".", ",", "the", "-"])
    }

    func testMissingFolderSaysWhichPackage() throws {
        let missing = try makeTemporaryDirectory().appendingPathComponent("fortunes")
        let error = assertThrows(TextDataError.self) { try FortunesCorpus(directory: missing) }
        XCTAssertEqual(error, .folderNotFound(path: missing.path, installHint: "`apt-get install fortunes` provides it"))
        assertSentence(error!, mentions: [missing.path, "apt-get install fortunes"])
    }

    /// File selection as os.walk + the reference's filters: sorted by path, *.dat, *.u8, links
    /// and "off" folders skipped; a folder with nothing left is an error.
    func testFileSelectionAndASmallCorpus() throws {
        let folder = try makeTemporaryDirectory()
        func write(_ name: String, _ text: String) throws {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        XCTAssertEqual(assertThrows(TextDataError.self) { try FortunesCorpus(directory: folder) },
                       .noFortuneFiles(directory: folder.path))
        try write("zoo", "Zebras are striped. Lions roar loudly!\n%\nThe end of the zoo.\n%\n")
        try write("zoo.dat", "binary")
        try write("sub/apes", "Apes climb trees well.\n")
        try write("off/rude", "Rude words are here.\n")
        try write("sub-b", "Hyphen sorts before slash.\n")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("zoo.u8").path, withDestinationPath: "zoo")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link").path, withDestinationPath: "zoo")
        let corpus = try FortunesCorpus(directory: folder)
        XCTAssertEqual(corpus.files.map { String($0.path.dropFirst(folder.path.count + 1)) }, ["sub-b", "sub/apes", "zoo"])
        XCTAssertEqual(corpus.entryCount, 4)
        XCTAssertEqual(corpus.rawSentenceCount, 5)
        XCTAssertEqual(corpus.keptSentenceCount, 5)
        // A link to the folder is followed, as os.walk follows its top.
        let link = try makeTemporaryDirectory().appendingPathComponent("fortunes")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: folder.path)
        XCTAssertEqual(try FortunesCorpus(directory: link).splits, corpus.splits)
    }

    /// Lengths outside 3…40 are dropped and repeats kept once, before the split.
    func testLengthRuleAndDeduplication() throws {
        let folder = try makeTemporaryDirectory()
        let long = Array(repeating: "word", count: 41).joined(separator: " ")
        try Data("Short. Just right here. \(long).\n%\nJust RIGHT here.\n%\nJust right here!\n".utf8)
            .write(to: folder.appendingPathComponent("mixed"))
        let corpus = try FortunesCorpus(directory: folder)
        XCTAssertEqual(corpus.rawSentenceCount, 5)
        let all = corpus.splits.training + corpus.splits.validation + corpus.splits.test
        XCTAssertEqual(Set(all.map { $0.joined(separator: " ") }), ["just right here .", "just right here !"])
    }

    /// Overstrikes as the reference removes them: "x\b" pairs, leftmost first, repeated; lone
    /// backspaces that cannot pair are deleted.
    func testOverstrikeRemoval() {
        func strip(_ text: String) -> String {
            makeString(FortunesCorpus.removingOverstrikes(Array(text.unicodeScalars)))
        }
        XCTAssertEqual(strip("_\u{8}b_\u{8}o_\u{8}l_\u{8}d"), "bold")
        XCTAssertEqual(strip("ab\u{8}\u{8}c"), "c")
        XCTAssertEqual(strip("\u{8}x"), "x")
        XCTAssertEqual(strip("a\n\u{8}b"), "ab")
        XCTAssertEqual(strip("plain"), "plain")
    }

    /// Entries as the reference yields them, including a blank entry before a "%".
    func testEntries() {
        func entries(_ text: String) -> [String] {
            FortunesCorpus.entries(of: Array(text.unicodeScalars)).map(makeString)
        }
        XCTAssertEqual(entries("  One\n  line two \n%\nThree\n%\n"), ["One line two", "Three"])
        XCTAssertEqual(entries("%\n%\n\n%\nLast"), ["", "Last"])
        XCTAssertEqual(entries("A\n% \n\n\n"), ["A"])
    }

    /// The reference's file bytes: sentences joined by spaces, one per line, "\n" after each.
    private func fileHash(_ sentences: [[String]]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for sentence in sentences {
            for byte in sentence.joined(separator: " ").utf8 + [0x0A] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        return hash
    }
}
