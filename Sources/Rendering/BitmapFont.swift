/// A 5×7 pixel bitmap font for the labels in PNG plots, so that drawing text needs no font
/// library. It covers digits, upper-case letters, the space and common punctuation; lower-case
/// letters are drawn as upper-case (5×7 cells leave no room for descenders), and any other
/// character as `?`.
///
/// Glyphs sit in a 6-pixel advance (one blank column between letters) and have no blank rows,
/// so a line of text is exactly `glyphHeight` pixels tall.
enum BitmapFont {
    static let glyphWidth = 5
    static let glyphHeight = 7
    /// Horizontal distance from one glyph to the next.
    static let advance = 6

    /// The glyphs as 7 rows of 5 cells, top row first; `#` is ink. Drawn for this project.
    private static let table: [(Character, String)] = [
        ("0", ".###. #...# #..## #.#.# ##..# #...# .###."),
        ("1", "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###."),
        ("2", ".###. #...# ....# ...#. ..#.. .#... #####"),
        ("3", "##### ...#. ..#.. ...#. ....# #...# .###."),
        ("4", "...#. ..##. .#.#. #..#. ##### ...#. ...#."),
        ("5", "##### #.... ####. ....# ....# #...# .###."),
        ("6", "..##. .#... #.... ####. #...# #...# .###."),
        ("7", "##### ....# ...#. ..#.. .#... .#... .#..."),
        ("8", ".###. #...# #...# .###. #...# #...# .###."),
        ("9", ".###. #...# #...# .#### ....# ...#. .##.."),
        ("A", ".###. #...# #...# ##### #...# #...# #...#"),
        ("B", "####. #...# #...# ####. #...# #...# ####."),
        ("C", ".###. #...# #.... #.... #.... #...# .###."),
        ("D", "###.. #..#. #...# #...# #...# #..#. ###.."),
        ("E", "##### #.... #.... ####. #.... #.... #####"),
        ("F", "##### #.... #.... ####. #.... #.... #...."),
        ("G", ".###. #...# #.... #.### #...# #...# .####"),
        ("H", "#...# #...# #...# ##### #...# #...# #...#"),
        ("I", ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###."),
        ("J", "..### ...#. ...#. ...#. ...#. #..#. .##.."),
        ("K", "#...# #..#. #.#.. ##... #.#.. #..#. #...#"),
        ("L", "#.... #.... #.... #.... #.... #.... #####"),
        ("M", "#...# ##.## #.#.# #.#.# #...# #...# #...#"),
        ("N", "#...# #...# ##..# #.#.# #..## #...# #...#"),
        ("O", ".###. #...# #...# #...# #...# #...# .###."),
        ("P", "####. #...# #...# ####. #.... #.... #...."),
        ("Q", ".###. #...# #...# #...# #.#.# #..#. .##.#"),
        ("R", "####. #...# #...# ####. #.#.. #..#. #...#"),
        ("S", ".#### #.... #.... .###. ....# ....# ####."),
        ("T", "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#.."),
        ("U", "#...# #...# #...# #...# #...# #...# .###."),
        ("V", "#...# #...# #...# #...# #...# .#.#. ..#.."),
        ("W", "#...# #...# #...# #.#.# #.#.# #.#.# .#.#."),
        ("X", "#...# #...# .#.#. ..#.. .#.#. #...# #...#"),
        ("Y", "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#.."),
        ("Z", "##### ....# ...#. ..#.. .#... #.... #####"),
        (" ", "..... ..... ..... ..... ..... ..... ....."),
        ("-", "..... ..... ..... .###. ..... ..... ....."),
        ("+", "..... ..#.. ..#.. ##### ..#.. ..#.. ....."),
        (".", "..... ..... ..... ..... ..... .##.. .##.."),
        (",", "..... ..... ..... ..... .##.. ..#.. .#..."),
        (":", "..... .##.. .##.. ..... .##.. .##.. ....."),
        ("(", "...#. ..#.. .#... .#... .#... ..#.. ...#."),
        (")", ".#... ..#.. ...#. ...#. ...#. ..#.. .#..."),
        ("[", ".###. .#... .#... .#... .#... .#... .###."),
        ("]", ".###. ...#. ...#. ...#. ...#. ...#. .###."),
        ("%", "##... ##..# ...#. ..#.. .#... #..## ...##"),
        ("/", "..... ....# ...#. ..#.. .#... #.... ....."),
        ("_", "..... ..... ..... ..... ..... ..... #####"),
        ("=", "..... ..... ##### ..... ##### ..... ....."),
        ("'", "..#.. ..#.. .#... ..... ..... ..... ....."),
        ("!", "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#.."),
        ("?", ".###. #...# ....# ...#. ..#.. ..... ..#.."),
        ("*", "..... ..#.. #.#.# .###. #.#.# ..#.. ....."),
        ("#", ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#."),
        ("&", ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#"),
    ]

    /// Each glyph as 7 row masks; bit 4 is the leftmost cell.
    private static let glyphs: [Character: [UInt8]] = Dictionary(uniqueKeysWithValues: table.map { entry in
        let rows = entry.1.split(separator: " ").map { row in
            row.reduce(UInt8(0)) { ($0 << 1) | ($1 == "#" ? 1 : 0) }
        }
        return (entry.0, rows)
    })

    /// The characters of `text` as they will be drawn: upper-cased, with unsupported ones as `?`.
    static func drawableCharacters(_ text: String) -> [Character] {
        text.uppercased().map { glyphs[$0] == nil ? "?" : $0 }
    }

    /// The row masks of `character` (which must be drawable), top row first.
    static func rows(of character: Character) -> [UInt8] {
        glyphs[character] ?? glyphs["?"]!
    }

    /// Width in pixels of `text` drawn in one line: no trailing gap after the last glyph.
    static func width(of text: String) -> Int {
        let count = drawableCharacters(text).count
        return count == 0 ? 0 : count * advance - 1
    }

    /// Calls `body(column, row)` for every ink pixel of `text`, relative to its top-left corner.
    static func forEachInkPixel(of text: String, _ body: (Int, Int) -> Void) {
        for (index, character) in drawableCharacters(text).enumerated() {
            for (row, mask) in rows(of: character).enumerated() {
                for column in 0..<glyphWidth where mask & (1 << (glyphWidth - 1 - column)) != 0 {
                    body(index * advance + column, row)
                }
            }
        }
    }
}
