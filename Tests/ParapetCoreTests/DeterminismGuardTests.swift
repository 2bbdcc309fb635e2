import Foundation
import Testing

/// The determinism rules of DESIGN.md, enforced on the sources: outside `ParapetNIO` (the production
/// backend), no module may read real time, draw unseeded randomness, start unstructured tasks, use
/// Dispatch or open sockets. A deliberate exception carries `// determinism: ok — why` on its line.
@Suite("Determinism guard")
struct DeterminismGuardTests {
    struct Rule: Sendable {
        let name: String
        let matches: @Sendable (String) -> Bool
    }

    static let rules: [Rule] = [
        Rule(name: "Date()") { $0.contains("Date()") },
        Rule(name: "ContinuousClock/SuspendingClock") { $0.contains("ContinuousClock") || $0.contains("SuspendingClock") },
        Rule(name: "Task.sleep without the injected clock") { $0.contains("Task.sleep(") && !$0.contains("clock:") },
        Rule(name: "random without the injected generator") {
            ($0.contains(".random(") || $0.contains(".randomElement(") || $0.contains(".shuffled(") || $0.contains(".shuffle("))
                && !$0.contains("using:")
        },
        Rule(name: "SystemRandomNumberGenerator/UUID()") { $0.contains("SystemRandomNumberGenerator") || $0.contains("UUID()") },
        Rule(name: "Task {} / Task.detached outside the spawner") {
            $0.contains("Task.detached") || $0.range(of: #"\bTask\s*(\{|\()"#, options: .regularExpression) != nil
        },
        Rule(name: "Dispatch") { $0.contains("DispatchQueue") || $0.contains("import Dispatch") },
        Rule(name: "import NIOPosix") { $0.contains("import NIOPosix") },
        Rule(name: "@MainActor") { $0.contains("@MainActor") },
    ]

    static let exemptModules: Set<String> = ["ParapetNIO"]

    static var packageDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var sourcesDirectory: URL { packageDirectory.appendingPathComponent("Sources") }

    /// Test fixtures that run in the simulator, held to the same rules.
    static let simulatedFixtures = ["Tests/SimulationFixtures"]

    /// Every rule a line breaks, ignoring comments and lines marked as deliberate exceptions.
    static func violations(in line: String) -> [String] {
        let code = line.trimmingCharacters(in: .whitespaces)
        guard !code.hasPrefix("//"), !line.contains("// determinism: ok") else { return [] }
        let withoutTrailingComment = code.components(separatedBy: " // ").first ?? code
        return rules.filter { $0.matches(withoutTrailingComment) }.map(\.name)
    }

    @Test func theScannerCatchesEachRule() {
        let offenders = [
            "let now = Date()", "let c = ContinuousClock()", "try await Task.sleep(for: .seconds(1))",
            "let x = Int.random(in: 0..<3)", "let id = UUID()", "Task { await work() }", "Task.detached { }",
            "DispatchQueue.main.async { }", "import NIOPosix", "@MainActor final class X {}",
        ]
        for line in offenders {
            #expect(!Self.violations(in: line).isEmpty, "\(line)")
        }
        let allowed = [
            "try await Task.sleep(for: .seconds(1), clock: runtime.clock)", "let x = Int.random(in: 0..<3, using: &rng)",
            "// Task { } is banned", "Task(executorPreference: executor) { } // determinism: ok — the spawner",
            "let task: Task<Void, Never>", "if Task.isCancelled { return }",
        ]
        for line in allowed {
            #expect(Self.violations(in: line).isEmpty, "\(line)")
        }
    }

    @Test func modulesOutsideTheNIOBackendHaveNoDeterminismLeaks() throws {
        let fileManager = FileManager.default
        let modules = try fileManager.contentsOfDirectory(atPath: Self.sourcesDirectory.path).sorted()
        #expect(modules.contains("ParapetCore") && modules.contains("ParapetSimulation"))
        var scannedFiles = 0
        var leaks: [String] = []
        let roots = modules.filter { !Self.exemptModules.contains($0) }.map { ($0, Self.sourcesDirectory.appendingPathComponent($0)) }
            + Self.simulatedFixtures.map { ($0, Self.packageDirectory.appendingPathComponent($0)) }
        for (module, root) in roots {
            let files = try #require(fileManager.enumerator(atPath: root.path), "\(module)")
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                scannedFiles += 1
                for (number, line) in text.components(separatedBy: "\n").enumerated() {
                    for rule in Self.violations(in: line) {
                        leaks.append("\(module)/\(file):\(number + 1): \(rule): \(line.trimmingCharacters(in: .whitespaces))")
                    }
                }
            }
        }
        #expect(scannedFiles > 20)
        #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
    }
}
