import HTTPTypes
import ParapetCore
import ParapetTesting
import ParapetUpstream
import Testing

@Suite("Least-connections balancer")
struct LeastConnectionsBalancerTests {
    /// How the client finishes with one answer.
    enum Ending: String, CaseIterable, Sendable {
        case readToEnd, failedMidBody, droppedUnread, droppedPartWay, transportError
    }

    /// A backend whose answer depends on the path: `/fail` fails mid-body, `/error` fails the exchange, any
    /// other path streams three chunks.
    static func backend() -> StubTransport {
        StubTransport { request, _ in
            switch request.head.path {
            case "/error":
                throw UpstreamError.failed(target: request.target, underlying: BackendFailure())
            case "/fail":
                let body = ScriptedBody(chunks: 3, failsAfter: 1).httpBody
                return UpstreamResponse(response: Response(status: .ok, body: body), target: request.target)
            default:
                let body = ScriptedBody(chunks: 3).httpBody
                return UpstreamResponse(response: Response(status: .ok, body: body), target: request.target)
            }
        }
    }

    @Test("a slot is given back exactly once, however the answer ends", arguments: Ending.allCases)
    func slotReleasedExactlyOnce(_ ending: Ending) async throws {
        let balancer = LeastConnectionsBalancer(TargetPool([Target("a", transport: Self.backend(), maxConcurrent: 2)]))
        let active: @Sendable () -> Int = { balancer.inflight()[0].active }
        let observed = try await simulate { runtime in
            let context = RequestContext.test(runtime)
            let held = try await balancer.roundTrip(UpstreamRequest.test(path: "/hold"), context: context)
            var observed = [active()]
            switch ending {
            case .readToEnd:
                let answer = try await balancer.roundTrip(UpstreamRequest.test(path: "/read"), context: context)
                observed.append(active())
                _ = try await answer.response.body.collect(upTo: 1 << 10)
                observed.append(active())
            case .failedMidBody:
                let answer = try await balancer.roundTrip(UpstreamRequest.test(path: "/fail"), context: context)
                observed.append(active())
                await #expect(throws: BackendFailure.self) { try await answer.response.body.collect(upTo: 1 << 10) }
                observed.append(active())
            case .droppedUnread:
                observed.append(try await Self.activeWhileHolding(balancer, context: context))
            case .droppedPartWay:
                let answer = try await balancer.roundTrip(UpstreamRequest.test(path: "/read"), context: context)
                observed.append(active())
                for try await _ in answer.response.body { break }
            case .transportError:
                await #expect(throws: UpstreamError.self) {
                    _ = try await balancer.roundTrip(UpstreamRequest.test(path: "/error"), context: context)
                }
                observed.append(2)
            }
            observed.append(active())  // the second answer is gone: exactly one slot came back
            _ = try await held.response.body.collect(upTo: 1 << 10)
            observed.append(active())
            return observed
        }
        switch ending {
        case .readToEnd, .failedMidBody:
            #expect(observed == [1, 2, 1, 1, 0])
        case .droppedUnread, .droppedPartWay, .transportError:
            #expect(observed == [1, 2, 1, 0])
        }
    }

    /// Sends a request, returns the load while its answer is alive, and drops the answer unread.
    private static func activeWhileHolding(_ balancer: LeastConnectionsBalancer, context: RequestContext) async throws
        -> Int
    {
        let answer = try await balancer.roundTrip(UpstreamRequest.test(path: "/read"), context: context)
        return withExtendedLifetime(answer) { balancer.inflight()[0].active }
    }

    @Test("sheds are reported through onShed and the snapshot shows each target's load and cap")
    func shedHookAndSnapshot() async throws {
        let sheds = Recorder<ShedReason>()
        let options = LeastConnectionsBalancer.Options(onShed: { sheds.append($0) })
        let pool = TargetPool([
            Target("a", transport: Self.backend(), maxConcurrent: 1), Target("b", transport: Self.backend()),
        ])
        let balancer = LeastConnectionsBalancer(pool, options: options)
        let empty = LeastConnectionsBalancer(TargetPool([]), options: options)
        let loads = try await simulate { runtime in
            let context = RequestContext.test(runtime)
            let first = try await balancer.roundTrip(UpstreamRequest.test(), context: context)
            let second = try await balancer.roundTrip(UpstreamRequest.test(), context: context)
            let loads = balancer.inflight()
            pool.setUp(1, false)
            await #expect(throws: UpstreamError.self) {
                _ = try await balancer.roundTrip(UpstreamRequest.test(), context: context)
            }
            await #expect(throws: UpstreamError.self) {
                _ = try await empty.roundTrip(UpstreamRequest.test(), context: context)
            }
            withExtendedLifetime((first, second)) {}
            return loads
        }
        #expect(loads == [.init(address: "a", active: 1, cap: 1), .init(address: "b", active: 1, cap: nil)])
        #expect(sheds.elements == [.saturated, .empty])
        #expect(balancer.inflight().map(\.active) == [0, 0])
    }

    /// What a load test saw.
    struct LoadReport: Sendable {
        /// Per request, in arrival order: the target that served it or the shed reason.
        var outcomes: [String]
        var sheds: [ShedReason]
        /// Snapshots taken at an admission that showed a target over its cap.
        var overCap: [[Int]]
        var peaksInBackend: [Int]
        var leftInBackend: [Int]
        var leftInBalancer: [Int]
    }

    static let caps = [5, 10, 15]

    /// 1,000 requests arriving every 200 µs — about five times the pool's 30 slots wanted at once — on
    /// backends with slow bodies; a quarter of the bodies fail mid-way and a quarter are dropped unread.
    static func loadTest(seed: UInt64) async throws -> LoadReport {
        let inBackend = caps.map { _ in Gauge() }
        let overCap = Recorder<[Int]>()
        let sheds = Recorder<ShedReason>()
        let targets = caps.indices.map { index in
            Target("t\(index)", transport: slowBackend(inBackend[index]), weight: index + 1, maxConcurrent: caps[index])
        }
        let balancer = LeastConnectionsBalancer(TargetPool(targets), options: .init(onShed: { sheds.append($0) }))
        let outcomes = try await simulate(seed: seed) { runtime in
            let context = RequestContext.test(runtime)
            return await withTaskGroup(of: (Int, String).self) { group in
                for request in 0..<1_000 {
                    group.addTask {
                        try? await runtime.clock.sleep(for: .microseconds(200 * request))
                        let ending = ["/read", "/read", "/fail", "/drop"][request % 4]
                        do {
                            let answer = try await balancer.roundTrip(
                                UpstreamRequest.test(path: ending), context: context)
                            let loads = balancer.inflight()
                            if zip(loads, caps).contains(where: { $0.active > $1 }) {
                                overCap.append(loads.map(\.active))
                            }
                            if ending != "/drop" {
                                _ = try? await answer.response.body.collect(upTo: 1 << 20)
                            }
                            return (request, answer.target ?? "?")
                        } catch UpstreamError.unavailable(let reason) {
                            return (request, reason.rawValue)
                        } catch {
                            return (request, "error")
                        }
                    }
                }
                var outcomes = Array(repeating: "", count: 1_000)
                for await (request, outcome) in group { outcomes[request] = outcome }
                return outcomes
            }
        }
        return LoadReport(
            outcomes: outcomes,
            sheds: sheds.elements,
            overCap: overCap.elements,
            peaksInBackend: inBackend.map(\.peak),
            leftInBackend: inBackend.map(\.value),
            leftInBalancer: balancer.inflight().map(\.active)
        )
    }

    @Test("the cap is never exceeded under 1,000 concurrent requests with slow bodies, and every slot comes back")
    func bulkheadUnderLoad() async throws {
        let report = try await Self.loadTest(seed: 42)
        let served = report.outcomes.filter { $0.hasPrefix("t") }.count
        let saturated = report.outcomes.filter { $0 == ShedReason.saturated.rawValue }.count
        #expect(served + saturated == 1_000)
        #expect(served > 100 && saturated > 100)
        #expect(report.sheds.count == saturated && report.sheds.allSatisfy { $0 == .saturated })
        #expect(report.overCap.isEmpty)
        #expect(report.peaksInBackend == Self.caps)
        #expect(report.leftInBackend == [0, 0, 0])
        #expect(report.leftInBalancer == [0, 0, 0])
    }

    @Test("the same seed replays the same load test, request for request")
    func loadTestReplays() async throws {
        let first = try await Self.loadTest(seed: 7)
        let second = try await Self.loadTest(seed: 7)
        #expect(first.outcomes == second.outcomes)
        #expect(Set(first.outcomes) == ["t0", "t1", "t2", "saturated"])
    }

    /// A backend whose every exchange takes 1–20 ms to answer and streams four chunks 5–40 ms apart,
    /// counting itself in `gauge` until its body ends, fails or is dropped; `/fail` fails after two chunks.
    private static func slowBackend(_ gauge: Gauge) -> StubTransport {
        StubTransport { request, context in
            gauge.increment()
            let ticket = Ticket { gauge.decrement() }
            var random = context.runtime.random.generator(for: "backend \(request.target ?? "?")")
            let clock = context.runtime.clock
            try await clock.sleep(for: .milliseconds(Int.random(in: 1...20, using: &random)))
            let body = ScriptedBody(
                chunks: 4,
                delay: .milliseconds(Int.random(in: 5...40, using: &random)),
                clock: clock,
                failsAfter: request.head.path == "/fail" ? 2 : nil,
                ticket: ticket
            )
            return UpstreamResponse(response: Response(status: .ok, body: body.httpBody), target: request.target)
        }
    }
}
