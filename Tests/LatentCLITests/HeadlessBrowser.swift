import Foundation
import XCTest

/// Debian's Chromium, run headless, as a user's browser would open a report: the page's DOM
/// measured after it has loaded (through `--dump-dom` of a small wrapper page that holds the
/// report in an iframe and writes what it measures into its own DOM), its console messages, and
/// screenshots. scripts/install-dependencies.sh installs the `chromium` package; without it the
/// tests fail with a sentence that says so rather than pass unseen.
enum HeadlessBrowser {
    static let executable = URL(fileURLWithPath: "/usr/bin/chromium")

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func requireBrowser() throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Failure(description: "The browser tests need Debian's chromium package at \(executable.path); "
                + "scripts/install-dependencies.sh installs it (apt-get install chromium).")
        }
    }

    /// Flags for every run: headless as root, no GPU, a profile of its own so that runs never
    /// share state, file pages allowed to read each other (the wrapper reads its iframe), and
    /// console messages logged to standard error.
    static func flags(profile: URL) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--mute-audio",
         "--user-data-dir=\(profile.path)", "--allow-file-access-from-files", "--enable-logging=stderr", "--v=0"]
    }

    /// Runs Chromium with `arguments` to completion (60 s at most): its standard output and error.
    static func run(_ arguments: [String], scratch: URL) throws -> (output: String, errors: String) {
        try requireBrowser()
        let profile = scratch.appendingPathComponent("chromium-profile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = executable
        process.arguments = flags(profile: profile) + arguments
        let output = scratch.appendingPathComponent("chromium-\(UUID().uuidString).out")
        let errors = scratch.appendingPathComponent("chromium-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { for file in [output, errors] { try? FileManager.default.removeItem(at: file) } }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "chromium did not finish within 60 s: \(arguments)")
        }
        return (try String(contentsOf: output, encoding: .utf8), try String(contentsOf: errors, encoding: .utf8))
    }

    /// What the browser measured of a page: the JSON the wrapper's probe wrote, and every console
    /// message the page logged (a report has no script, so any message is a fault: a refused
    /// resource, a parse error).
    static func measure(_ page: URL, scratch: URL) throws -> (probe: [String: Any], console: [String]) {
        let wrapper = scratch.appendingPathComponent("probe-\(UUID().uuidString).html")
        try wrapperPage(for: page).write(to: wrapper, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: wrapper) }
        let (output, errors) = try run(["--window-size=1400,1000", "--dump-dom", wrapper.absoluteString], scratch: scratch)
        guard let start = output.range(of: #"<pre id="probe">"#), let end = output.range(of: "</pre>", range: start.upperBound..<output.endIndex) else {
            throw Failure(description: "the probe wrote nothing; chromium said: \(errors.suffix(2000))")
        }
        let json = String(output[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        let probe = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let console = errors.split(separator: "\n").filter { $0.contains("CONSOLE") }.map(String.init)
        return (probe, console)
    }

    /// A screenshot of `page` in a window of `width`×`height`, as PNG bytes.
    static func screenshot(_ page: URL, width: Int, height: Int, scratch: URL, to file: URL? = nil) throws -> Data {
        let target = file ?? scratch.appendingPathComponent("screenshot-\(UUID().uuidString).png")
        _ = try run(["--window-size=\(width),\(height)", "--screenshot=\(target.path)", page.absoluteString], scratch: scratch)
        guard let data = try? Data(contentsOf: target) else { throw Failure(description: "chromium wrote no screenshot of \(page.path)") }
        return data
    }

    /// The wrapper: the report in a tall iframe (so nothing needs scrolling), and once everything
    /// has loaded, a probe that reads from the report's DOM where the browser placed every curve
    /// point and axis tick, and each image's decoded size.
    static func wrapperPage(for page: URL) -> String {
        """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"></head>
        <body style="margin:0">
        <iframe id="report" src="\(page.absoluteString)" style="width:1400px;height:12000px;border:0"></iframe>
        <script>
        window.addEventListener('load', () => {
          const out = {errors: [], charts: [], images: [], bars: 0, absent: [], resources: []};
          try {
            const doc = document.getElementById('report').contentDocument;
            out.title = doc.title;
            out.resources = doc.defaultView.performance.getEntriesByType('resource').map(e => e.name);
            const center = (r, axis) => axis === 'x' ? r.x + r.width / 2 : r.y + r.height / 2;
            for (const svg of doc.querySelectorAll('svg.line-chart')) {
              const ticks = axis => [...svg.querySelectorAll('.' + axis + '-ticks .tick')].map(g => ({
                value: parseFloat(g.querySelector('text').textContent),
                position: center(g.querySelector('line').getBoundingClientRect(), axis)}));
              const series = [...svg.querySelectorAll('g.series')].map(g => ({
                run: parseInt(g.dataset.run), split: g.dataset.split, key: g.dataset.key, negated: g.dataset.negated === 'true',
                points: [...g.querySelectorAll('circle.point')].map(c => {
                  const r = c.getBoundingClientRect(); return {x: center(r, 'x'), y: center(r, 'y')}; })}));
              out.charts.push({title: svg.getAttribute('aria-label'), xTicks: ticks('x'), yTicks: ticks('y'), series});
            }
            out.images = [...doc.images].map(i => ({width: i.naturalWidth, height: i.naturalHeight, source: i.src.slice(0, 22)}));
            out.bars = doc.querySelectorAll('rect.bar').length;
            out.absent = [...doc.querySelectorAll('.absent')].map(p => p.textContent);
          } catch (error) { out.errors.push(String(error)); }
          const pre = document.createElement('pre');
          pre.id = 'probe';
          pre.textContent = JSON.stringify(out);
          document.body.appendChild(pre);
        });
        </script>
        </body></html>
        """
    }
}
