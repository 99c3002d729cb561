import Foundation

/// The latest picture of each kind in a run's images/ folder, as report sections: the grids a
/// training draws after every epoch (`samples-epoch-NNN.png`, `reconstructions-epoch-NNN.png`)
/// and those `latent sample`, `reconstruct`, `manifold`, `complete` and friends wrote there.
struct RunPictures {
    let folder: RunFolder

    /// A picture larger than this is named rather than inlined, so that no report grows past a
    /// few megabytes.
    static let largestInlined = 1_500_000

    /// One section: the latest picture of every kind, samples and reconstructions first.
    func sections() -> [ReportSection] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.images.path)) ?? [])
            .filter { $0.hasSuffix(".png") && !RunFolder.isTemporary($0) }
        guard !names.isEmpty else { return [] }
        var latest: [String: (epoch: Int, modified: Date, name: String)] = [:]
        for name in names {
            let (kind, epoch) = Self.kind(of: name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: folder.image(name).path)[.modificationDate] as? Date) ?? .distantPast
            if let current = latest[kind], (current.epoch, current.modified) >= (epoch, modified) { continue }
            latest[kind] = (epoch, modified, name)
        }
        let order = ["samples", "reconstructions", "manifold", "completions"]
        let kinds = latest.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        var pictures: [ReportSection.Picture] = []
        var skipped: [String] = []
        for kind in kinds {
            let entry = latest[kind]!
            guard let data = try? Data(contentsOf: folder.image(entry.name)), data.count <= Self.largestInlined,
                  data.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
                skipped.append(entry.name)
                continue
            }
            let when = entry.epoch > 0 ? "after epoch \(entry.epoch)" : "drawn from the checkpoint"
            pictures.append(.init(caption: "\(kind.replacingOccurrences(of: "-", with: " ")), \(when) (images/\(entry.name))", png: data))
        }
        var note = "The latest picture of each kind in images/."
        if !skipped.isEmpty {
            note += " Not shown, being unreadable or over \(Self.largestInlined / 1_000_000) MB: " + skipped.map { "images/\($0)" }.joined(separator: ", ") + "."
        }
        return [ReportSection(title: "Pictures", note: note, content: .images(pictures))]
    }

    /// "samples-epoch-003.png" → ("samples", 3); "manifold.png" → ("manifold", 0).
    static func kind(of name: String) -> (kind: String, epoch: Int) {
        let stem = String(name.dropLast(".png".count))
        guard let range = stem.range(of: "-epoch-", options: .backwards), let epoch = Int(stem[range.upperBound...]) else {
            return (stem, 0)
        }
        return (String(stem[..<range.lowerBound]), epoch)
    }
}
