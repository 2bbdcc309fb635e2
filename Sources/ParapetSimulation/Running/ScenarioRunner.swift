import Foundation
import HTTPTypes
import ParapetCore
import ParapetUpstream

/// Runs a ``Scenario`` in the deterministic simulator and reports what happened.
///
/// Each stack runs in a fresh ``ParapetSimulation/Simulation`` on the same seed, against the same fleet,
/// timeline and arrivals; the real balancers make the decisions. The same scenario and seed always give the
/// same report, byte for byte. (Loading files and rendering reports is `ParapetScenarios`.)
///
/// ```swift
/// let scenario = try Scenario.load(contentsOf: URL(fileURLWithPath: "Simulations/dead-origin.yaml"))
/// let report = try await ScenarioRunner.run(scenario, seed: 42)
/// print(report.text)
/// try report.json().write(to: URL(fileURLWithPath: "report.json"))
/// ```
public enum ScenarioRunner {
    /// How to run a scenario.
    ///
    /// ```swift
    /// let options = ScenarioRunner.Options(seed: 7, recordsTrace: true)
    /// ```
    public struct Options: Sendable {
        /// Overrides the scenario's seed.
        public var seed: UInt64?
        /// Whether to keep a per-request ``RequestTrace`` in each ``StackReport`` (memory grows with requests).
        public var recordsTrace: Bool
        /// Told how far the run has got, every so often of virtual time; it cannot change the report.
        ///
        /// ```swift
        /// var options = ScenarioRunner.Options()
        /// options.progress = .init { progress in print(progress) }
        /// ```
        public var progress: ProgressObserver?

        /// Creates options.
        public init(seed: UInt64? = nil, recordsTrace: Bool = false, progress: ProgressObserver? = nil) {
            self.seed = seed
            self.recordsTrace = recordsTrace
            self.progress = progress
        }
    }

    /// Runs `scenario` on the calling thread (blocking it for the whole run).
    ///
    /// - Throws: ``ScenarioError`` for an invalid scenario; `SimulationError` if the simulation itself fails.
    public static func run(_ scenario: Scenario, seed: UInt64? = nil) throws -> SimulationReport {
        try run(scenario, options: Options(seed: seed))
    }

    /// Runs `scenario` on the calling thread with `options`.
    public static func run(_ scenario: Scenario, options: Options) throws -> SimulationReport {
        try scenario.validate()
        let seed = options.seed ?? scenario.seed
        let windows = expectationWindows(scenario.expectations)
        let layout = ReportLayout(duration: scenario.duration, drain: scenario.drain, options: scenario.report, windows: windows)
        let allDown = OutageWindows.allDown(targets: scenario.targets, timeline: scenario.timeline, end: layout.end)
        var runs: [StackRun] = []
        for (index, stack) in scenario.stacks.enumerated() {
            do {
                let progress = options.progress.map { observer in
                    (observer, ScenarioProgress(
                        scenario: scenario.name, stack: stack.name, stackIndex: index, stackCount: scenario.stacks.count,
                        seed: seed, virtualTime: .zero, duration: scenario.duration, requests: 0, isFinished: false))
                }
                runs.append(try runStack(
                    stack, of: scenario, seed: seed, layout: layout, allDown: allDown, recordsTrace: options.recordsTrace,
                    progress: progress))
            } catch where error is ConfigurationError || error is ChainBuildError {
                throw ScenarioError(
                    file: "<scenario>", line: nil, column: nil, field: "stacks[\(index)]", kind: .invalidValue,
                    message: "stack \"\(stack.name)\": \(error)")
            }
        }
        let results = ExpectationEvaluator.evaluate(scenario, runs: runs, windows: windows)
        return SimulationReport(
            scenario: scenario.name, summary: scenario.summary, seed: seed, duration: scenario.duration,
            timeline: scenario.timeline.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
                .map { TimelineMark($0.element) },
            stacks: runs.map(\.report), expectations: results, passed: results.allSatisfy(\.passed))
    }

    /// Runs `scenario` on a thread of its own, keeping the blocking drive loop off Swift's cooperative pool.
    ///
    /// ```swift
    /// @Test func deadOrigin() async throws {
    ///     let report = try await ScenarioRunner.run(scenario)
    ///     #expect(report.passed)
    /// }
    /// ```
    public static func run(_ scenario: Scenario, seed: UInt64? = nil) async throws -> SimulationReport {
        try await run(scenario, options: Options(seed: seed))
    }

    /// Runs `scenario` with `options` on a thread of its own, at the lowest scheduling priority.
    public static func run(_ scenario: Scenario, options: Options) async throws -> SimulationReport {
        try await DriverThread.run(named: "parapet-scenario") { try run(scenario, options: options) }
    }

    /// The distinct windows expectations measure (the whole run needs none).
    static func expectationWindows(_ expectations: [Scenario.Expectation]) -> [TimeWindow] {
        var windows: [TimeWindow] = []
        for expectation in expectations {
            let window: TimeWindow? =
                switch expectation {
                case .successRatio(_, let window, _), .latency(_, _, let window, _), .noTraffic(_, let window, _),
                    .better(_, _, _, _, let window):
                    window
                default: nil
                }
            if let window, !window.isWhole, !windows.contains(window) { windows.append(window) }
        }
        return windows
    }

    /// When a purging stack's store is sampled: every time-series bucket boundary up to the end of the
    /// drain, and every instant a `cacheBytes` or `cacheEntries` expectation about the stack asks, in order.
    private static func memoryInstants(for stack: Scenario.Stack, of scenario: Scenario, layout: ReportLayout) -> [Int64] {
        var instants = Set<Int64>(stride(from: 0, through: layout.end, by: Int(layout.bucketWidth)))
        for expectation in scenario.expectations {
            guard case .cacheMemory(_, let at, _, _, let name) = expectation, (name ?? scenario.stacks.first?.name) == stack.name
            else { continue }
            instants.insert(at.wholeNanoseconds)
        }
        return instants.sorted()
    }

    private static func runStack(
        _ stack: Scenario.Stack, of scenario: Scenario, seed: UInt64, layout: ReportLayout, allDown: [Range<Int64>],
        recordsTrace: Bool, progress: (observer: ProgressObserver, start: ScenarioProgress)?
    ) throws -> StackRun {
        let simulation = Simulation(seed: seed)
        let purges = scenario.purgesCache(of: stack)
        let worldSteps = WorkloadDriver.worldSteps(in: scenario.timeline, redis: stack.rateLimit != nil, purges: purges)
        let limit = scenario.duration + scenario.drain + .seconds(3_600)
        let rateLimit = stack.rateLimit.map { _ in
            RateLimitTally(outages: RateLimitTally.outages(in: scenario.timeline, end: layout.end))
        }
        let recorder = RunRecorder(
            layout: layout, allDownWindows: allDown, recordsTrace: recordsTrace, rateLimit: rateLimit,
            cache: stack.cache.map { _ in CacheTally(purging: scenario.tracksPurging(of: stack) ? PurgeTally() : nil) })
        let ticks = progress.map { observer, start in
            VirtualTimeTicks(every: observer.interval) { now in
                var progress = start
                progress.virtualTime = now - .zero
                progress.requests = recorder.requests
                observer.report(progress)
            }
        }
        let measured = try simulation.run(timeLimit: limit, ticks: ticks) { runtime -> Measured in
            let fleet = SimulatedFleet(
                targets: scenario.targets, timeline: scenario.timeline, runtime: runtime,
                transportTimeout: stack.transportTimeout, layout: layout)
            let built = try StackBuilder.build(
                stack, targets: scenario.targets, fleet: fleet, redis: scenario.redis, purges: purges, recorder: recorder,
                runtime: runtime)
            built.healthCheck?.start(runtime: runtime, logger: StackBuilder.quietLogger)
            let client = SimulatedClient(
                stack: built,
                context: RequestContext(connection: ConnectionInfo(peer: nil), logger: StackBuilder.quietLogger, runtime: runtime),
                heads: scenario.workload.mix.map(\.head),
                deadline: stack.deadline, recorder: recorder, clock: runtime.clock)
            let driver = WorkloadDriver(
                workload: scenario.workload, client: client, runtime: runtime, executor: simulation.executor,
                end: scenario.duration.wholeNanoseconds, cutoff: layout.end, worldSteps: worldSteps, redis: built.redis,
                purges: built.purges)
            let store = scenario.tracksPurging(of: stack) ? built.cacheStore : nil
            if let store {
                let instants = memoryInstants(for: stack, of: scenario, layout: layout)
                runtime.spawner.spawn("cache-memory") {
                    for instant in instants {
                        do {
                            try await runtime.clock.sleep(until: MonotonicInstant(nanoseconds: instant))
                        } catch {
                            return
                        }
                        recorder.cacheMemory(store.sample(at: instant), isFinal: false)
                    }
                }
            }
            await driver.run()
            if let store { recorder.cacheMemory(store.sample(at: runtime.clock.now.nanoseconds), isFinal: true) }
            built.healthCheck?.stop()
            return Measured(
                recorder: recorder.snapshot, targets: fleet.backends.map(\.tally), ended: runtime.clock.now.nanoseconds,
                redis: built.redis?.tally)
        }
        if let (observer, start) = progress {
            var finished = start
            finished.virtualTime = .nanoseconds(measured.ended)
            finished.requests = measured.recorder.client.requests
            finished.isFinished = true
            observer.report(finished)
        }
        return StackRun(
            stack: stack, scenario: scenario, measured: measured, layout: layout,
            statistics: simulation.statistics)
    }
}

/// What a stack's run measured, handed out of the simulation.
struct Measured: Sendable {
    var recorder: RunRecorder.State
    var targets: [TargetTally]
    var ended: Int64
    /// The calls the stack's rate limit made to Redis, for a rate-limited stack.
    var redis: SimulatedRedis.Tally?
}

extension Scenario.Workload.MixEntry {
    /// The request head this entry sends.
    var head: HTTPRequest {
        HTTPRequest(method: HTTPRequest.Method(method) ?? .get, scheme: "http", authority: Scenario.host, path: path)
    }
}
