@testable import ParapetNIO
import Testing

@Suite("Pool state machine")
struct UpstreamConnectionPoolStateMachineTests {
    typealias Connection = PoolStubConnection
    typealias State = UpstreamConnectionPool<Connection>.StateMachine<String>
    let a = ObjectIdentifier(Connection.self)
    let b = ObjectIdentifier(String.self)

    func isConnect(_ acquisition: State.Acquisition) -> Bool {
        if case .connect = acquisition { return true }
        return false
    }

    func reused(_ acquisition: State.Acquisition) -> Connection? {
        if case .reuse(let connection) = acquisition { return connection }
        return nil
    }

    @Test func callersPreferTheirOwnLoopThenANewConnection() {
        var state = State(maxConnections: nil, maxIdle: 32)
        #expect(isConnect(state.acquire(target: "t", loop: a, fresh: false, waiter: nil)))
        let first = Connection()
        guard case .parked = state.release(first, target: "t", loop: a, reusable: true) else {
            Issue.record("not parked")
            return
        }
        // Another loop opens its own connection rather than borrowing loop a's.
        #expect(isConnect(state.acquire(target: "t", loop: b, fresh: false, waiter: nil)))
        #expect(reused(state.acquire(target: "t", loop: a, fresh: false, waiter: nil)) === first)
        #expect(state.openCount(target: "t") == 2)
    }

    @Test func atTheLimitCallersBorrowAcrossLoopsThenWaitInOrder() {
        var state = State(maxConnections: 1, maxIdle: 32)
        #expect(isConnect(state.acquire(target: "t", loop: a, fresh: false, waiter: nil)))
        let connection = Connection()
        _ = state.release(connection, target: "t", loop: a, reusable: true)
        #expect(reused(state.acquire(target: "t", loop: b, fresh: false, waiter: nil)) === connection)
        guard case .wait = state.acquire(target: "t", loop: b, fresh: false, waiterID: 1, waiter: "first") else {
            Issue.record("did not wait")
            return
        }
        _ = state.acquire(target: "t", loop: a, fresh: false, waiterID: 2, waiter: "second")
        _ = state.acquire(target: "t", loop: a, fresh: false, waiterID: 3, waiter: "third")
        #expect(state.cancelWaiter(target: "t", id: 2) == "second")
        #expect(state.cancelWaiter(target: "t", id: 2) == nil)
        guard case .handOver(let waiter) = state.release(connection, target: "t", loop: a, reusable: true) else {
            Issue.record("not handed over")
            return
        }
        #expect(waiter == "first")
        // A closed connection frees its slot for the next waiter, who connects.
        #expect(state.closed(connection, target: "t") == "third")
        #expect(state.openCount(target: "t") == 1)
        #expect(state.connectFailed(target: "t") == nil)
        #expect(state.openCount(target: "t") == 0)
    }

    @Test func surplusAndUnreusableConnectionsAreClosed() {
        var state = State(maxConnections: nil, maxIdle: 1)
        _ = state.acquire(target: "t", loop: a, fresh: false, waiter: nil)
        _ = state.acquire(target: "t", loop: a, fresh: false, waiter: nil)
        let (first, second) = (Connection(), Connection())
        guard case .parked = state.release(first, target: "t", loop: a, reusable: true),
            case .close = state.release(second, target: "t", loop: a, reusable: true),
            case .close = state.release(first, target: "t", loop: a, reusable: false)
        else {
            Issue.record("unexpected release decisions")
            return
        }
        #expect(state.idleCount(target: "t") == 1)
        // A fresh acquisition skips the idle connection.
        #expect(isConnect(state.acquire(target: "t", loop: a, fresh: true, waiter: nil)))
    }

    @Test func shutDownHandsBackIdleConnectionsAndWaiters() {
        var state = State(maxConnections: 1, maxIdle: 32)
        _ = state.acquire(target: "t", loop: a, fresh: false, waiter: nil)
        _ = state.acquire(target: "t", loop: a, fresh: false, waiterID: 1, waiter: "w")
        let (idle, waiters) = state.shutDown()
        #expect(idle.isEmpty && waiters == ["w"])
        guard case .shutDown = state.acquire(target: "t", loop: a, fresh: false, waiter: nil) else {
            Issue.record("acquired after shutdown")
            return
        }
        guard case .close = state.release(Connection(), target: "t", loop: a, reusable: true) else {
            Issue.record("parked after shutdown")
            return
        }
    }
}
