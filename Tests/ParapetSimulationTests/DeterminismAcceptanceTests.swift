import Foundation
import ParapetSimulation
import ParapetTestSupport
import SimulationFixtures
import Testing

/// The acceptance criterion for the simulation kernel: 10,000 concurrent simulated tasks, each sleeping
/// random virtual durations, spawning children and drawing random numbers, produce a trace whose hash is
/// identical across two runs in one process and across two separate processes with the same seed, and
/// different for a different seed. How fast it runs is measured by `SimulatorBenchmarks`, not asserted here.
@Suite("Determinism acceptance", .cpuHeavy)
struct DeterminismAcceptanceTests {
    static let seed: UInt64 = 20_260_101
    static let workload = DeterminismWorkload()  // 10,000 tasks, one simulated hour

    struct Measured: Sendable {
        var outcome: DeterminismWorkload.Outcome
        var wallTime: Duration
    }

    static func measure(seed: UInt64) async throws -> Measured {
        let wall = ContinuousClock()
        let start = wall.now
        let outcome = try await workload.run(seed: seed)
        return Measured(outcome: outcome, wallTime: wall.now - start)
    }

    /// The first in-process run, shared by the tests below (computed once, by whichever asks first).
    /// It runs on a thread of its own (the async `run`), so tests elsewhere keep the cooperative pool.
    static let reference = Task { try await measure(seed: seed) }

    @Test("the workload has the promised shape")
    func workloadShape() async throws {
        let measured = try await Self.reference.value
        let reference = measured.outcome
        print("determinism workload: 1 simulated hour, \(reference.statistics.eventsProcessed) events in \(measured.wallTime) wall")
        #expect(Self.workload.taskCount == 10_000)
        #expect(Self.workload.duration == .seconds(3_600))
        #expect(reference.statistics.virtualTimeElapsed == .seconds(3_600))
        #expect(reference.statistics.tasksSpawned > Self.workload.taskCount)  // workers plus background children
        #expect(reference.statistics.tasksAbandoned == 0)
        #expect(reference.traceCount > 500_000)
        #expect(reference.statistics.eventsProcessed > 1_000_000)
    }

    @Test("same seed, same trace hash: two runs in one process")
    func sameSeedInProcess() async throws {
        let reference = try await Self.reference.value
        let again = try await Self.measure(seed: Self.seed)
        #expect(again.outcome == reference.outcome)
        #expect(again.outcome.traceHash == reference.outcome.traceHash)
    }

    @Test("same seed, same trace hash: two separate processes")
    func sameSeedAcrossProcesses() async throws {
        let probe = try #require(Self.probeExecutable(), "determinism-probe not found next to the test binary")
        // Start both processes first so they overlap with the in-process reference run.
        let runs = try (0..<2).map { _ in try ProbeRun(executable: probe, seed: Self.seed) }
        let reference = try await Self.reference.value.outcome
        for run in runs {
            let report = try await run.finish()
            #expect(report["trace-hash"] == reference.traceHashDescription)
            #expect(report["trace-entries"] == String(reference.traceCount))
            #expect(report["events"] == String(reference.statistics.eventsProcessed))
        }
    }

    @Test("a different seed gives a different trace hash")
    func differentSeed() async throws {
        let reference = try await Self.reference.value.outcome
        let other = try await Self.measure(seed: Self.seed + 1).outcome
        #expect(other.traceHash != reference.traceHash)
        #expect(other.statistics.virtualTimeElapsed == reference.statistics.virtualTimeElapsed)
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
    private let exited: AsyncStream<Int32>

    init(executable: URL, seed: UInt64) throws {
        process.executableURL = executable
        process.arguments = ["--seed", String(seed)]
        process.standardOutput = output
        let (exited, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.exited = exited
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
    }

    /// Waits for the process (without blocking a thread of the cooperative pool) and parses its
    /// `key: value` lines; the report is a few lines, well within the pipe's buffer.
    func finish() async throws -> [String: String] {
        let status = await exited.first { _ in true }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        #expect(status == 0)
        var report: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            report[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return report
    }
}
