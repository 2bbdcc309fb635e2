import Foundation
import ParapetSimulation
import Testing

/// The acceptance criterion for the simulation kernel: 10,000 concurrent simulated tasks, each sleeping
/// random virtual durations, spawning children and drawing random numbers, produce a trace whose hash is
/// identical across two runs in one process and across two separate processes with the same seed, and
/// different for a different seed; one simulated hour of such work finishes in seconds of wall time.
@Suite("Determinism acceptance")
struct DeterminismAcceptanceTests {
    static let seed: UInt64 = 20_260_101
    static let workload = DeterminismWorkload()  // 10,000 tasks, one simulated hour

    struct Measured: Sendable {
        var outcome: DeterminismWorkload.Outcome
        var wallTime: Duration
    }

    static func measure(seed: UInt64) throws -> Measured {
        let wall = ContinuousClock()
        let start = wall.now
        let outcome = try workload.run(seed: seed)
        return Measured(outcome: outcome, wallTime: wall.now - start)
    }

    /// The first in-process run, shared by the tests below (computed once, by whichever asks first).
    static let reference: Result<Measured, any Error> = Result { try measure(seed: seed) }

    @Test("the workload has the promised shape")
    func workloadShape() throws {
        let reference = try Self.reference.get().outcome
        #expect(Self.workload.taskCount == 10_000)
        #expect(Self.workload.duration == .seconds(3_600))
        #expect(reference.statistics.virtualTimeElapsed == .seconds(3_600))
        #expect(reference.statistics.tasksSpawned > Self.workload.taskCount)  // workers plus background children
        #expect(reference.statistics.tasksAbandoned == 0)
        #expect(reference.traceCount > 500_000)
        #expect(reference.statistics.eventsProcessed > 1_000_000)
    }

    @Test("same seed, same trace hash: two runs in one process")
    func sameSeedInProcess() throws {
        let reference = try Self.reference.get()
        let again = try Self.measure(seed: Self.seed)
        #expect(again.outcome == reference.outcome)
        #expect(again.outcome.traceHash == reference.outcome.traceHash)
    }

    @Test("same seed, same trace hash: two separate processes")
    func sameSeedAcrossProcesses() throws {
        let probe = try #require(Self.probeExecutable(), "determinism-probe not found next to the test binary")
        // Start both processes first so they overlap with the in-process reference run.
        let runs = try (0..<2).map { _ in try ProbeRun(executable: probe, seed: Self.seed) }
        let reference = try Self.reference.get().outcome
        for run in runs {
            let report = try run.finish()
            #expect(report["trace-hash"] == reference.traceHashDescription)
            #expect(report["trace-entries"] == String(reference.traceCount))
            #expect(report["events"] == String(reference.statistics.eventsProcessed))
        }
    }

    @Test("a different seed gives a different trace hash")
    func differentSeed() throws {
        let reference = try Self.reference.get().outcome
        let other = try Self.measure(seed: Self.seed + 1).outcome
        #expect(other.traceHash != reference.traceHash)
        #expect(other.statistics.virtualTimeElapsed == reference.statistics.virtualTimeElapsed)
    }

    @Test("one simulated hour finishes in seconds of wall time")
    func simulatedHourWallTime() throws {
        let reference = try Self.reference.get()
        let (seconds, attoseconds) = reference.wallTime.components
        let wallSeconds = Double(seconds) + Double(attoseconds) / 1e18
        let eventsPerSecond = Double(reference.outcome.statistics.eventsProcessed) / wallSeconds
        print(
            "determinism workload: 1 simulated hour, \(reference.outcome.statistics.eventsProcessed) events, "
                + "\(reference.outcome.traceCount) trace entries in \(wallSeconds) s wall "
                + "(\(Int(eventsPerSecond)) events/s)"
        )
        // Generous bound: a debug build on a busy 2-core machine takes a few seconds.
        #expect(reference.wallTime < .seconds(60))
    }

    /// The `determinism-probe` executable, built beside the test bundle: on Linux the test binary is
    /// `<scratch>/debug/ParapetPackageTests.xctest`, so the probe is its sibling.
    static func probeExecutable() -> URL? {
        let fileManager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["PARAPET_DETERMINISM_PROBE"] {
            return URL(fileURLWithPath: override)
        }
        var directories: [URL] = []
        if let executable = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        directories.append(Bundle.main.bundleURL)
        for directory in directories {
            var candidate = directory
            // Also look up from inside a macOS bundle (`….xctest/Contents/MacOS`).
            for _ in 0..<4 {
                let probe = candidate.appendingPathComponent("determinism-probe")
                if fileManager.isExecutableFile(atPath: probe.path) {
                    return probe
                }
                candidate = candidate.deletingLastPathComponent()
            }
        }
        return nil
    }
}

/// One running `determinism-probe` process.
struct ProbeRun {
    private let process = Process()
    private let output = Pipe()

    init(executable: URL, seed: UInt64) throws {
        process.executableURL = executable
        process.arguments = ["--seed", String(seed)]
        process.standardOutput = output
        try process.run()
    }

    /// Waits for the process and parses its `key: value` lines.
    func finish() throws -> [String: String] {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var report: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            report[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return report
    }
}
