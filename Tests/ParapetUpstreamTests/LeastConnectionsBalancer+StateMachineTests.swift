import ParapetUpstream
import Testing

@Suite("Least-connections table")
struct LeastConnectionsBalancerStateMachineTests {
    @Test("equally loaded peers take turns: the scan starts one peer later on every pick")
    func tiesRotate() {
        var table = LeastConnectionsBalancer.StateMachine(peers: Array(repeating: .init(), count: 3))
        var picks: [LeastConnectionsBalancer.StateMachine.Admission] = []
        for _ in 0..<4 {
            let admission = table.pick { _ in true }
            picks.append(admission)
            if case .admit(let index) = admission { table.release(index) }
        }
        #expect(picks == [.admit(0), .admit(1), .admit(2), .admit(0)])
    }

    @Test("the lowest active/weight wins: a peer of weight 2 holds twice the requests")
    func weightsScaleConcurrency() {
        var table = LeastConnectionsBalancer.StateMachine(peers: [.init(weight: 2), .init(weight: 1)])
        var picks: [Int] = []
        for _ in 0..<6 {
            if case .admit(let index) = table.pick(isAdmissible: { _ in true }) { picks.append(index) }
        }
        #expect(picks == [0, 1, 0, 1, 0, 0])
        for _ in 0..<294 {
            _ = table.pick { _ in true }
        }
        #expect(table.peers.map(\.active) == [200, 100])
    }

    @Test("a peer at its cap is skipped")
    func fullPeersAreSkipped() {
        var table = LeastConnectionsBalancer.StateMachine(peers: [.init(cap: 1), .init()])
        let picks = (0..<4).map { _ in table.pick { _ in true } }
        #expect(picks == [.admit(0), .admit(1), .admit(1), .admit(1)])
        #expect(table.peers.map(\.active) == [1, 3])
    }

    @Test("every admissible peer at its cap sheds as saturated, even when a peer that is down has room")
    func saturated() {
        var table = LeastConnectionsBalancer.StateMachine(peers: [.init(cap: 1), .init(cap: 1), .init(cap: 5)])
        let up = [true, true, false]
        let picks = (0..<3).map { _ in table.pick { up[$0] } }
        #expect(picks == [.admit(0), .admit(1), .shed(.saturated)])
        table.release(1)
        #expect(table.pick { up[$0] } == .admit(1))
    }

    @Test("with nobody admissible it fails open over every peer, within the caps, then sheds as all-dark")
    func allDark() {
        var table = LeastConnectionsBalancer.StateMachine(peers: [.init(cap: 1), .init(cap: 2)])
        let picks = (0..<4).map { _ in table.pick { _ in false } }
        #expect(picks == [.admit(0), .admit(1), .admit(1), .shed(.allDark)])
    }

    @Test("no peers sheds as empty")
    func empty() {
        var table = LeastConnectionsBalancer.StateMachine(peers: [])
        #expect(table.pick { _ in true } == .shed(.empty))
    }

    @Test("weights and caps below 1 are clamped; a release with nothing in flight changes nothing")
    func clamping() {
        let peer = LeastConnectionsBalancer.StateMachine.Peer(weight: -4, cap: 0)
        #expect(peer.weight == 1)
        #expect(peer.cap == nil)
        var table = LeastConnectionsBalancer.StateMachine(peers: [peer])
        table.release(0)
        table.release(7)
        #expect(table.pick { _ in true } == .admit(0))
        #expect(table.peers.map(\.active) == [1])
    }

    @Test("a huge weight is clamped and compared without overflowing")
    func hugeWeights() {
        let heavy = LeastConnectionsBalancer.StateMachine.Peer(weight: .max)
        #expect(heavy.weight == Int(Int32.max))
        var table = LeastConnectionsBalancer.StateMachine(peers: [heavy, .init(weight: 1)])
        let picks = (0..<4).map { _ in table.pick { _ in true } }
        // Idle peer 1 wins its own scan once; afterwards 1/1 is far above n/2^31.
        #expect(picks == [.admit(0), .admit(1), .admit(0), .admit(0)])
    }
}
