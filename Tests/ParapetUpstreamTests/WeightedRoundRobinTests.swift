import ParapetCore
import ParapetTesting
import ParapetUpstream
import Testing

@Suite("Smooth weighted round-robin")
struct WeightedRoundRobinTests {
    @Test("weights 5, 1, 1 pick a a b a c a a, the nginx sequence")
    func nginxSequence() {
        var rotation = SmoothWeightedRoundRobin(weights: [5, 1, 1])
        let picks = (0..<14).compactMap { _ in rotation.pick { _ in true } }
        #expect(picks == [0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0])
        #expect(rotation.currentWeights == [0, 0, 0])
    }

    @Test("the long-run shares are exactly proportional to the weights")
    func exactLongRunRatio() {
        var rotation = SmoothWeightedRoundRobin(weights: [5, 1, 1])
        var counts = [0, 0, 0]
        for _ in 0..<7_000 {
            if let pick = rotation.pick(isAdmissible: { _ in true }) { counts[pick] += 1 }
        }
        #expect(counts == [5_000, 1_000, 1_000])
    }

    @Test("equal weights, or weights below 1, give plain round-robin")
    func equalWeights() {
        var rotation = SmoothWeightedRoundRobin(weights: [0, -3, 1])
        let picks = (0..<6).compactMap { _ in rotation.pick { _ in true } }
        #expect(picks == [0, 1, 2, 0, 1, 2])
    }

    @Test("a peer that is down is frozen and the survivors keep their exact ratio")
    func frozenWhileDown() {
        var rotation = SmoothWeightedRoundRobin(weights: [3, 1, 2])
        _ = rotation.pick { _ in true }
        let frozen = rotation.currentWeights[2]
        var counts = [0, 0, 0]
        for _ in 0..<400 {
            if let pick = rotation.pick(isAdmissible: { $0 != 2 }) { counts[pick] += 1 }
        }
        #expect(counts == [300, 100, 0])
        #expect(rotation.currentWeights[2] == frozen)
    }

    @Test("a recovering peer restarts from zero instead of rushing back with a stale lead")
    func recoveringPeerResets() {
        var rotation = SmoothWeightedRoundRobin(weights: [1, 1, 5])
        _ = rotation.pick { _ in true }  // peer 2 wins: its counter is now 5 - 7 = -2
        #expect(rotation.currentWeights == [1, 1, -2])
        _ = rotation.pick { $0 != 2 }
        #expect(rotation.currentWeights[2] == -2)
        // Restarted at 0, peer 2 gains its weight (5) and beats peer 1 (3); with its stale -2 it would
        // have reached only 3 and lost the tie to peer 1.
        #expect(rotation.pick { _ in true } == 2)
        #expect(rotation.currentWeights == [1, 3, -2])
    }

    @Test("with every peer down it is plain SWRR over all of them (fail open)")
    func allDownFailsOpen() {
        var rotation = SmoothWeightedRoundRobin(weights: [5, 1, 1])
        let picks = (0..<7).compactMap { _ in rotation.pick { _ in false } }
        #expect(picks == [0, 0, 1, 0, 2, 0, 0])
    }

    @Test("an empty rotation picks nothing")
    func empty() {
        var rotation = SmoothWeightedRoundRobin(weights: [])
        #expect(rotation.pick { _ in true } == nil)
    }

    @Test("the balancer routes a a b a c a a for weights 5, 1, 1")
    func balancerRoutes() async throws {
        let routes = Recorder<String>()
        let stub = StubTransport.ok(recording: routes)
        let pool = TargetPool([
            Target("a", transport: stub, weight: 5), Target("b", transport: stub), Target("c", transport: stub),
        ])
        let balancer = WeightedRoundRobinBalancer(pool)
        _ = try await simulate { runtime in try await route(7, through: balancer, context: RequestContext.test(runtime))
        }
        #expect(routes.elements == ["a", "a", "b", "a", "c", "a", "a"])
    }
}
