import ParapetCore
@testable import ParapetSimulation
import Testing

/// A deterministic generator for pure tests.
struct TestGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("SimulatedBackend.StateMachine")
struct SimulatedBackendStateMachineTests {
    let ms: Int64 = 1_000_000
    var random = TestGenerator(state: 1)

    @Test("a timeline changes the behaviour at its instants")
    mutating func followsTimeline() {
        let target = Scenario.Target("a", latency: .fixed(.milliseconds(20)))
        var machine = SimulatedBackend.StateMachine(target: target, timeline: [
            .init(at: .seconds(10), target: "a", become: .dead(after: .milliseconds(1))),
            .init(at: .seconds(20), target: "a", become: .blackHole),
            .init(at: .seconds(30), target: "a", become: .healthy, latency: .fixed(.milliseconds(5))),
            .init(at: .seconds(15), target: "other", become: .blackHole),
        ])
        #expect(machine.decide(at: 0, using: &random) == .answer(status: 200, at: 20 * ms))
        #expect(machine.decide(at: 10_000 * ms, using: &random) == .refuse(at: 10_001 * ms))
        #expect(machine.decide(at: 25_000 * ms, using: &random) == .hang)
        #expect(machine.decide(at: 30_000 * ms, using: &random) == .answer(status: 200, at: 30_005 * ms))
    }

    @Test("flapping alternates up and down periods from when it takes effect")
    mutating func flaps() {
        let target = Scenario.Target("a", latency: .fixed(.zero), behaviour: .flapping(up: .seconds(2), down: .seconds(1), downAs: .status(503)))
        var machine = SimulatedBackend.StateMachine(target: target, timeline: [])
        let statuses = (0..<6).map { second -> Int in
            guard case .answer(let status, _) = machine.decide(at: Int64(second) * 1_000 * ms, using: &random) else { return 0 }
            return status
        }
        #expect(statuses == [200, 200, 503, 200, 200, 503])
    }

    @Test("a cold start is unready for its warm-up, then healthy")
    mutating func coldStart() {
        let target = Scenario.Target("a", latency: .fixed(.milliseconds(1)))
        var machine = SimulatedBackend.StateMachine(target: target, timeline: [
            .init(at: .seconds(5), target: "a", become: .coldStart(warmup: .seconds(10), unready: .refused))
        ])
        #expect(machine.decide(at: 6_000 * ms, using: &random) == .refuse(at: 6_001 * ms))
        #expect(machine.decide(at: 15_000 * ms, using: &random) == .answer(status: 200, at: 15_001 * ms))
    }

    @Test("an error rate fails about that share of requests")
    mutating func errorRate() {
        var machine = SimulatedBackend.StateMachine(
            target: .init("a", latency: .fixed(.zero), behaviour: .errors(rate: 0.3, answer: .status(500))), timeline: [])
        var failures = 0
        for index in 0..<10_000 {
            if machine.decide(at: Int64(index), using: &random) == .answer(status: 500, at: Int64(index)) { failures += 1 }
        }
        #expect((2_800...3_200).contains(failures))
    }

    @Test("a gray failure slows answers by its factor")
    mutating func gray() {
        var machine = SimulatedBackend.StateMachine(target: .init("a", latency: .fixed(.milliseconds(10)), behaviour: .gray(slowdown: 8)), timeline: [])
        #expect(machine.decide(at: 0, using: &random) == .answer(status: 200, at: 80 * ms))
    }

    @Test("a full capacity answers its whenFull status at once")
    mutating func capacityFull() {
        var machine = SimulatedBackend.StateMachine(
            target: .init("a", latency: .fixed(.milliseconds(100)), capacity: BackendCapacity(concurrency: 1, queue: 0, whenFull: .status(503))),
            timeline: [])
        #expect(machine.decide(at: 0, using: &random) == .answer(status: 200, at: 100 * ms))
        #expect(machine.decide(at: 1, using: &random) == .answer(status: 503, at: 1))
    }

    @Test("recorded answers replay every answer once per cycle")
    mutating func recordedDeck() {
        let answers = (1...10).map { RecordedAnswer(outcome: .status($0 <= 2 ? 503 : 200), latency: .milliseconds(Int64($0))) }
        var machine = SimulatedBackend.StateMachine(target: .init("a", behaviour: .recorded(answers)), timeline: [])
        var seen: [BackendDecision] = []
        for _ in 0..<10 { seen.append(machine.decide(at: 0, using: &random)) }
        let expected = answers.map { answer -> BackendDecision in
            guard case .status(let status) = answer.outcome else { return .hang }
            return .answer(status: status, at: answer.latency.wholeNanoseconds)
        }
        #expect(Set(seen.map { "\($0)" }) == Set(expected.map { "\($0)" }))
    }

    @Test("out intervals cover dead, black-holed, flapping-down and warming periods")
    func outIntervals() {
        let target = Scenario.Target("a", behaviour: .flapping(up: .seconds(2), down: .seconds(1), downAs: .refused))
        let segments = SimulatedBackend.StateMachine.segments(of: target, timeline: [.init(at: .seconds(6), target: "a", become: .dead(after: .zero))])
        let seconds: Int64 = 1_000_000_000
        #expect(SimulatedBackend.StateMachine.outIntervals(of: segments, until: 10 * seconds) == [
            2 * seconds..<3 * seconds, 5 * seconds..<6 * seconds, 6 * seconds..<10 * seconds,
        ])
    }
}

@Suite("PoissonArrivals, RequestMix and OutageWindows")
struct ArrivalAndWindowTests {
    @Test("Poisson arrivals average the rate, multiplied during a burst")
    func poissonRate() {
        var random = TestGenerator(state: 7)
        var arrivals = PoissonArrivals(rate: 100, bursts: [.init(from: .seconds(10), to: .seconds(20), multiplier: 3)])
        var inBurst = 0
        var before = 0
        while let time = arrivals.next(using: &random), time < 20_000_000_000 {
            if time >= 10_000_000_000 { inBurst += 1 } else { before += 1 }
        }
        #expect((900...1_100).contains(before))
        #expect((2_800...3_200).contains(inBurst))
    }

    @Test("a zero multiplier pauses traffic for the burst")
    func pause() {
        var random = TestGenerator(state: 3)
        var arrivals = PoissonArrivals(rate: 50, bursts: [.init(from: .seconds(1), to: .seconds(2), multiplier: 0)])
        while let time = arrivals.next(using: &random), time < 3_000_000_000 {
            #expect(!(1_000_000_000..<2_000_000_000).contains(time))
        }
    }

    @Test("the request mix follows its weights")
    func mixWeights() {
        var random = TestGenerator(state: 5)
        var mix = RequestMix(weights: [9, 1])
        var counts = [0, 0]
        for _ in 0..<10_000 { counts[mix.pick(at: 0, using: &random) ?? 0] += 1 }
        #expect((850...1_150).contains(counts[1]))
    }

    @Test("the request mix draws only the kinds active at the arrival, and nothing when none is")
    func mixWindows() throws {
        var random = TestGenerator(state: 5)
        var mix = RequestMix(weights: [1, 1], active: [TimeWindow(to: .seconds(1)), TimeWindow(from: .seconds(1), to: .seconds(2))])
        let early = (0..<100).compactMap { _ in mix.pick(at: 999_999_999, using: &random) }
        let late = (0..<100).compactMap { _ in mix.pick(at: 1_000_000_000, using: &random) }
        #expect(early == Array(repeating: 0, count: 100))
        #expect(late == Array(repeating: 1, count: 100))
        #expect(mix.pick(at: 2_000_000_000, using: &random) == nil)
    }

    @Test("all-down windows are the intersection of every target's outages")
    func allDown() {
        let s: Int64 = 1_000_000_000
        let targets = [Scenario.Target("a"), Scenario.Target("b")]
        let timeline: [Scenario.TimelineEvent] = [
            .init(at: .seconds(10), target: "a", become: .dead(after: .zero)), .init(at: .seconds(30), target: "a", become: .healthy),
            .init(at: .seconds(20), target: "b", become: .blackHole), .init(at: .seconds(40), target: "b", become: .healthy),
        ]
        #expect(OutageWindows.allDown(targets: targets, timeline: timeline, end: 60 * s) == [20 * s..<30 * s])
        #expect(OutageWindows.merged([5..<7, 1..<3, 2..<4]) == [1..<4, 5..<7])
    }
}
