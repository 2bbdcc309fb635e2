import Testing

@testable import ParapetNIO

@Suite("Pool state machine: the cap on targets keeping idle connections")
struct UpstreamPoolEvictionTests {
    typealias Connection = PoolStubConnection
    typealias State = UpstreamConnectionPool<Connection>.StateMachine<String>
    let loop = ObjectIdentifier(Connection.self)

    /// Opens a connection to `target` and parks it idle.
    func park(_ state: inout State, _ target: String) -> Connection {
        _ = state.acquire(target: target, loop: loop, fresh: false, waiter: nil)
        let connection = Connection()
        _ = state.release(connection, target: target, loop: loop, reusable: true)
        return connection
    }

    @Test func theLeastRecentlyUsedTargetGivesUpItsIdleConnections() {
        var state = State(maxConnections: nil, maxIdle: 32, maxPooledTargets: 2)
        let a = park(&state, "a")
        _ = park(&state, "b")
        #expect(state.evictLeastRecentlyUsed().isEmpty)
        // Using a again makes b the least recently used.
        let reused = state.acquire(target: "a", loop: loop, fresh: false, waiter: nil)
        if case .reuse(let connection) = reused { #expect(connection === a) } else { Issue.record("\(reused)") }
        _ = state.release(a, target: "a", loop: loop, reusable: true)
        _ = park(&state, "c")
        #expect(state.pooledTargetCount == 3)
        let evicted = state.evictLeastRecentlyUsed()
        #expect(evicted.count == 1)
        #expect(state.idleCount(target: "b") == 0)
        #expect(state.idleCount(target: "a") == 1 && state.idleCount(target: "c") == 1)
        #expect(state.pooledTargetCount == 2)
        // The evicted connection still counts as open until it has closed.
        #expect(state.openCount(target: "b") == 1)
        #expect(state.closed(evicted[0], target: "b") == nil)
        #expect(state.openCount(target: "b") == 0)
    }

    @Test func targetsInUseWithoutIdleConnectionsAreNotCounted() {
        var state = State(maxConnections: nil, maxIdle: 32, maxPooledTargets: 1)
        _ = park(&state, "a")
        for target in ["b", "c", "d"] {
            _ = state.acquire(target: target, loop: loop, fresh: false, waiter: nil)
        }
        #expect(state.pooledTargetCount == 1)
        #expect(state.evictLeastRecentlyUsed().isEmpty)
        let reused = state.acquire(target: "a", loop: loop, fresh: false, waiter: nil)
        if case .reuse = reused {} else { Issue.record("\(reused)") }
        #expect(state.pooledTargetCount == 0)
    }

    @Test func shuttingDownLeavesNoPooledTargets() {
        var state = State(maxConnections: nil, maxIdle: 32, maxPooledTargets: 4)
        for target in ["a", "b", "c"] { _ = park(&state, target) }
        #expect(state.shutDown().idle.count == 3)
        #expect(state.pooledTargetCount == 0)
    }
}
