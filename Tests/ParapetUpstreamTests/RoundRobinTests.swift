import HTTPTypes
import ParapetCore
import ParapetTesting
import ParapetUpstream
import Testing

@Suite("Round-robin")
struct RoundRobinTests {
    @Test("the rotation starts at index 0 and visits every target in order")
    func strictRotation() {
        var rotation = RoundRobinRotation(count: 3)
        let picks = (0..<7).map { _ in rotation.pick { _ in true } }
        #expect(picks == [0, 1, 2, 0, 1, 2, 0])
    }

    @Test("a skipped target's turn passes to the next admissible one once: the survivors share evenly")
    func skipsTargetsThatAreDownEvenly() {
        var rotation = RoundRobinRotation(count: 3)
        let up = [true, false, true]
        let picks = (0..<6).map { _ in rotation.pick { up[$0] } }
        #expect(picks == [0, 2, 0, 2, 0, 2])
        var wide = RoundRobinRotation(count: 5)
        let wideUp = [true, false, false, true, true]
        let widePicks = (0..<9).map { _ in wide.pick { wideUp[$0] } }
        #expect(widePicks == [0, 3, 4, 0, 3, 4, 0, 3, 4])
    }

    @Test("the strict pick resumes after its target and, with nobody admissible, picks nothing and keeps the cursor")
    func strictPick() {
        var rotation = RoundRobinRotation(count: 3)
        #expect(rotation.next { $0 == 1 } == 1)
        #expect(rotation.cursor == 2)
        #expect(rotation.next { _ in false } == nil)
        #expect(rotation.cursor == 2)
        #expect(rotation.next { _ in true } == 2)
        #expect(rotation.cursor == 0)
    }

    @Test("with nobody admissible the pick is the rotation's own slot (fail open)")
    func failsOpenToTheSlot() {
        var rotation = RoundRobinRotation(count: 3)
        let picks = (0..<4).map { _ in rotation.pick { _ in false } }
        #expect(picks == [0, 1, 2, 0])
    }

    @Test("an empty rotation picks nothing")
    func emptyRotation() {
        var rotation = RoundRobinRotation(count: 0)
        #expect(rotation.pick { _ in true } == nil)
    }

    @Test("the balancer routes in rotation, skips gate-down targets, and keeps the client's Host")
    func balancerRoutes() async throws {
        let routes = Recorder<String>()
        let hosts = Recorder<String>()
        let stub = StubTransport { request, _ in
            routes.append(request.target ?? "?")
            hosts.append(request.head.authority ?? "?")
            return UpstreamResponse(response: .text("ok\n"), target: request.target)
        }
        let pool = TargetPool(["a:80", "b:80", "c:80"].map { Target($0, transport: stub) })
        let balancer = RoundRobinBalancer(pool)
        try await simulate { runtime in
            let context = RequestContext.test(runtime)
            _ = try await route(4, through: balancer, context: context)
            pool.setUp(1, false)
            _ = try await route(3, through: balancer, context: context)
        }
        #expect(routes.elements == ["a:80", "b:80", "c:80", "a:80", "c:80", "a:80", "c:80"])
        #expect(Set(hosts.elements) == ["example.com"])
    }

    @Test("an empty pool sheds as empty")
    func emptyPoolSheds() async throws {
        let balancer = RoundRobinBalancer(TargetPool([]))
        let shed = try await simulate { runtime in
            do {
                _ = try await balancer.roundTrip(UpstreamRequest.test(), context: RequestContext.test(runtime))
                return ShedReason?.none
            } catch UpstreamError.unavailable(let reason) {
                return reason
            }
        }
        #expect(shed == .empty)
    }
}

@Suite("SingleHost")
struct SingleHostTests {
    @Test("the target is the fixed address and the client's Host is preserved")
    func setsTheTarget() async throws {
        let seen = Recorder<String>()
        let stub = StubTransport { request, _ in
            seen.append("\(request.target ?? "-") \(request.head.authority ?? "-")")
            return UpstreamResponse(response: .text("ok\n"), target: request.target)
        }
        let origin = SingleHost("10.0.0.7:8080", transport: stub)
        let answer = try await simulate { runtime in
            try await origin.roundTrip(UpstreamRequest.test(), context: RequestContext.test(runtime)).target
        }
        #expect(seen.elements == ["10.0.0.7:8080 example.com"])
        #expect(answer == "10.0.0.7:8080")
    }
}
