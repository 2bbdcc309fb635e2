import ArgumentParser
import Foundation
import ParapetScenarios
import ParapetSimulation

extension ParapetSim {
    /// `parapet-sim run FILE… [--seed N] [--format text|json] [--html PATH]`
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs scenarios and prints their reports.",
            discussion: """
                --html writes each report also as a self-contained HTML page (inline CSS and SVG charts, no \
                scripts). With one scenario file PATH is the page to write (or, if PATH is an existing \
                directory, the page is written inside it as NAME.html). With several files PATH is a \
                directory (created if missing) holding one page per file, named after the file: \
                dead-origin.yaml gives PATH/dead-origin.html; two files with the same name are refused \
                (exit status 2).
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        @Argument(help: "Scenario files (YAML or JSON).")
        var files: [String]

        @Option(help: "Overrides every scenario's seed.")
        var seed: UInt64?

        @Option(help: "Report format: text or json.")
        var format: Format = .text

        @Option(
            help: ArgumentHelp(
                "Also writes each report as an HTML page: the page's path for one file, a directory for several.",
                valueName: "path"))
        var html: String?

        func run() throws {
            var scenarios: [Scenario] = []
            var errors: [BadInput] = []
            for file in files {
                do { scenarios.append(try loadScenario(file)) } catch let error as BadInput { errors.append(error) }
            }
            if !errors.isEmpty { exitForBadInput(errors) }
            let pages: [String]
            do { pages = try htmlPaths() } catch let error as BadInput { exitForBadInput([error]) }
            var allPassed = true
            let progress = ProgressLine.onStandardError()
            for (index, scenario) in scenarios.enumerated() {
                let report: SimulationReport
                do {
                    defer { progress?.clear() }
                    report = try ScenarioRunner.run(scenario, options: .init(seed: seed, progress: progress?.observer()))
                }
                allPassed = allPassed && report.passed
                switch format {
                case .text: print(report.text)
                case .json: print(try report.jsonText())
                }
                if index < pages.count {
                    do {
                        try report.html().write(toFile: pages[index], atomically: true, encoding: .utf8)
                    } catch {
                        exitForBadInput([BadInput(description: "\(pages[index]): \(error.localizedDescription)")])
                    }
                }
            }
            if !allPassed { throw ExitCode(1) }
        }

        /// Where `--html` writes each file's page, in file order; empty without `--html`. Creates the
        /// directory when several files need one.
        private func htmlPaths() throws -> [String] {
            guard let html else { return [] }
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: html, isDirectory: &isDirectory)
            if files.count == 1 && !(exists && isDirectory.boolValue) { return [html] }
            if exists && !isDirectory.boolValue {
                throw BadInput(
                    description: "\(html): --html names a file, but \(files.count) scenarios need a directory")
            }
            let directory = URL(fileURLWithPath: html)
            let names = files.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent + ".html" }
            if let duplicate = names.enumerated().first(where: { names[..<$0.offset].contains($0.element) }) {
                throw BadInput(
                    description: "\(files[duplicate.offset]): another file also gives \(html)/\(duplicate.element)")
            }
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw BadInput(description: "\(html): \(error.localizedDescription)")
            }
            return names.map { directory.appendingPathComponent($0).path }
        }
    }
}
