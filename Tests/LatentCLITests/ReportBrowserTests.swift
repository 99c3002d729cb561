import Foundation
import XCTest

/// The report of a real short run, and a comparison of two runs of different families, opened in
/// a real browser (headless Chromium): the page loads with no console message and fetches
/// nothing; every curve has one point per epoch, and each point, read back through the axis tick
/// labels the browser drew, is its metrics.jsonl value within a pixel; every image decodes; a
/// screenshot is not blank.
final class ReportBrowserTests: SmallDataTestCase {
    override class var imageCounts: (train: Int, test: Int) { (200, 20) }

    func trainVAE(_ name: String, epochs: Int) throws -> URL {
        let run = workspace.appendingPathComponent(name)
        let trained = try CLIHarness.run(["train", "vae", "--data", data.path, "--hidden", "8", "--latent", "3", "--batch-size", "50",
                                          "--epochs", String(epochs), "--seed", "3", "--threads", "1", "--pixels", "static",
                                          "--out", run.path])
        XCTAssertEqual(trained.status, 0, trained.errors)
        return run
    }

    func testReportOfARunReadsBackInABrowser() throws {
        let run = try trainVAE("vae", epochs: 3)
        // The training wrote the report after its last epoch; eval adds figures and a new report shows them.
        XCTAssert(FileManager.default.fileExists(atPath: run.appendingPathComponent("report.html").path), "no report after training")
        let evaluation = try CLIHarness.run(["eval", run.path, "--importance-samples", "2", "--limit", "10"])
        XCTAssertEqual(evaluation.status, 0, evaluation.errors)
        // The KL of each latent dimension, on every test line and in eval.json, sums to the KL.
        for line in try CLIHarness.metrics(in: run) where line["split"] as? String == "test" {
            let perDimension = try XCTUnwrap(line["kl_per_dimension"] as? [Double])
            XCTAssertEqual(perDimension.count, 3)
            XCTAssertEqual(perDimension.reduce(0, +), try XCTUnwrap(line["kl"] as? Double), accuracy: 1e-6 * max(1, perDimension.reduce(0, +)))
        }
        let evaluated = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("eval.json"))) as! [String: Any]
        XCTAssertEqual((evaluated["kl_per_dimension"] as? [Double])?.count, 3)

        let reported = try CLIHarness.run(["report", run.path])
        XCTAssertEqual(reported.status, 0, reported.errors)
        let page = run.appendingPathComponent("report.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        for fragment in ["latent train vae", "importance-weighted", "K = 2", "bits/dim", "active units", "KL per latent dimension"] {
            XCTAssert(html.contains(fragment), "the report lacks '\(fragment)'")
        }
        let probe = try assertReadsBack(page, runs: [run], minimumImages: 2)
        XCTAssertEqual(probe["bars"] as? Int, 3, "one KL bar per latent dimension")
    }

    func testComparisonOfTwoFamiliesReadsBackInABrowser() throws {
        let vae = try trainVAE("vae", epochs: 2)
        let baseline = workspace.appendingPathComponent("baseline")
        let trained = try CLIHarness.run(["train", "independent-pixels", "--data", data.path, "--batch-size", "50", "--epochs", "3",
                                          "--threads", "1", "--out", baseline.path])
        XCTAssertEqual(trained.status, 0, trained.errors)
        let page = workspace.appendingPathComponent("comparison.html")
        let compared = try CLIHarness.run(["report", vae.path, baseline.path, "--out", page.path])
        XCTAssertEqual(compared.status, 0, compared.errors)
        let probe = try assertReadsBack(page, runs: [vae, baseline], minimumImages: 3)
        let absent = probe["absent"] as? [String] ?? []
        XCTAssert(absent.contains { $0.contains(baseline.path) && $0.contains("KL") }, "no sentence says the baseline has no KL: \(absent)")
        let objective = (probe["charts"] as? [[String: Any]] ?? []).first { ($0["title"] as? String) == "−ELBO or exact NLL" }
        let runsDrawn = Set((objective?["series"] as? [[String: Any]] ?? []).compactMap { $0["run"] as? Int })
        XCTAssertEqual(runsDrawn, [0, 1], "the −ELBO and the exact NLL share one pair of axes")
    }

    /// Opens `page` in the browser and checks everything the report promises; returns the probe.
    @discardableResult
    func assertReadsBack(_ page: URL, runs: [URL], minimumImages: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let (probe, console) = try HeadlessBrowser.measure(page, scratch: workspace)
        XCTAssertEqual(probe["errors"] as? [String], [], "the probe failed", file: file, line: line)
        XCTAssertEqual(console, [], "console messages", file: file, line: line)
        XCTAssertEqual(probe["resources"] as? [String], [], "the page fetched resources", file: file, line: line)

        let metrics = try runs.map { try CLIHarness.metrics(in: $0) }
        let charts = probe["charts"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(charts.count, 3, "curves drawn", file: file, line: line)
        var pointsChecked = 0
        for chart in charts {
            let title = chart["title"] as? String ?? "?"
            let x = try axis(chart["xTicks"], title: title, "x"), y = try axis(chart["yTicks"], title: title, "y")
            for series in chart["series"] as? [[String: Any]] ?? [] {
                let run = series["run"] as! Int, split = series["split"] as! String, key = series["key"] as! String
                let negated = series["negated"] as! Bool
                let lines = metrics[run].filter { ($0["split"] as? String) == split }
                let values = lines.compactMap { line -> (Double, Double)? in
                    guard let epoch = line["epoch"] as? Int, let value = (line[key] as? NSNumber)?.doubleValue else { return nil }
                    return (Double(epoch), negated ? -value : value)
                }.sorted { $0.0 < $1.0 }
                let points = (series["points"] as? [[String: Double]] ?? []).sorted { $0["x"]! < $1["x"]! }
                let epochs = Set(lines.compactMap { $0["epoch"] as? Int })
                XCTAssertEqual(points.count, epochs.count, "\(title), run \(run) \(split): one point per epoch", file: file, line: line)
                XCTAssertEqual(points.count, values.count, "\(title), run \(run) \(split) \(key)", file: file, line: line)
                for (point, (epoch, value)) in zip(points, values) {
                    XCTAssertEqual(point["x"]!, x(epoch), accuracy: 1, "\(title), run \(run) \(split): epoch \(epoch)'s x", file: file, line: line)
                    XCTAssertEqual(point["y"]!, y(value), accuracy: 1, "\(title), run \(run) \(split): epoch \(epoch)'s \(key) \(value)",
                                   file: file, line: line)
                    pointsChecked += 1
                }
            }
        }
        XCTAssertGreaterThan(pointsChecked, 10, "points read back", file: file, line: line)

        let images = probe["images"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(images.count, minimumImages, "pictures on the page", file: file, line: line)
        for image in images {
            XCTAssertGreaterThan(image["width"] as? Int ?? 0, 0, "an image did not decode: \(image)", file: file, line: line)
            XCTAssertGreaterThan(image["height"] as? Int ?? 0, 0, "an image did not decode: \(image)", file: file, line: line)
            XCTAssertEqual(image["source"] as? String, "data:image/png;base64,", "images are inlined", file: file, line: line)
        }

        let screenshot = try ScreenshotPixels(png: HeadlessBrowser.screenshot(page, width: 1280, height: 1600, scratch: workspace))
        XCTAssertEqual(screenshot.width, 1280, file: file, line: line)
        XCTAssertGreaterThan(screenshot.drawnFraction, 0.03, "the screenshot is blank", file: file, line: line)
        XCTAssertGreaterThan(screenshot.colorCount, 20, "the screenshot is nearly one colour", file: file, line: line)
        return probe
    }

    /// The map from data values to page positions along one axis, from the first and last tick:
    /// the number its label shows and where its tick mark sits.
    func axis(_ ticks: Any?, title: String, _ name: String) throws -> (Double) -> Double {
        let ticks = (ticks as? [[String: Double]] ?? []).filter { $0["value"]?.isFinite ?? false }
        guard ticks.count >= 2, let first = ticks.first, let last = ticks.last, first["value"]! != last["value"]! else {
            throw HeadlessBrowser.Failure(description: "\(title): fewer than two labelled \(name) ticks: \(ticks)")
        }
        let scale = (last["position"]! - first["position"]!) / (last["value"]! - first["value"]!)
        return { first["position"]! + ($0 - first["value"]!) * scale }
    }
}
