import NIOCore
import Synchronization

/// What the pool grants a caller: an idle connection, or the right to open one.
enum UpstreamPoolGrant<Connection: Sendable>: Sendable {
    case reuse(Connection)
    case connect
}

/// A connection a pool can hold: it knows its target and loop, and closes on request.
protocol UpstreamPoolableConnection: AnyObject, Sendable {
    /// The dial address it was opened to (the pool's key).
    var poolKey: String { get }
    /// Its event loop.
    var eventLoop: any EventLoop { get }
    /// Closes it; the pool hears of it through ``UpstreamConnectionPool/closed(_:)``.
    func close()
}

/// Keep-alive pools of connections per target, shared by every event loop, each connection tagged with
/// its loop so callers reuse one on their own thread. The decisions are ``StateMachine``'s; this
/// class holds it under a mutex (never across an `await`) and resumes the callers it picks.
final class UpstreamConnectionPool<Connection: UpstreamPoolableConnection>: Sendable {
    private typealias Waiter = CheckedContinuation<UpstreamPoolGrant<Connection>, any Error>

    private let state: Mutex<StateMachine<Waiter>>
    private let waiterIDs = Atomic<Int>(0)

    /// The most targets that keep idle connections unless a transport says otherwise.
    static var defaultMaxPooledTargets: Int { 256 }

    init(maxConnections: Int?, maxIdle: Int, maxPooledTargets: Int) {
        state = Mutex(
            StateMachine(maxConnections: maxConnections, maxIdle: maxIdle, maxPooledTargets: maxPooledTargets))
    }

    /// Waits for a connection to `target` for a caller on `loop`, first come first served when the
    /// target is at its limit.
    ///
    /// - Throws: `CancellationError` when the caller is cancelled while waiting; ``UpstreamPoolClosed``
    ///   after ``shutDown()``.
    func acquire(target: String, loop: (any EventLoop)?, fresh: Bool) async throws -> UpstreamPoolGrant<Connection> {
        let loopID = loop.map { ObjectIdentifier($0) }
        let first = state.withLock { $0.acquire(target: target, loop: loopID, fresh: fresh, waiter: nil) }
        switch first {
        case .reuse(let connection): return .reuse(connection)
        case .connect: return .connect
        case .shutDown: throw UpstreamPoolClosed()
        case .wait: break
        }
        let id = waiterIDs.wrappingAdd(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                let decision = state.withLock {
                    $0.acquire(target: target, loop: loopID, fresh: fresh, waiterID: id, waiter: continuation)
                }
                switch decision {
                case .reuse(let connection): continuation.resume(returning: .reuse(connection))
                case .connect: continuation.resume(returning: .connect)
                case .shutDown: continuation.resume(throwing: UpstreamPoolClosed())
                case .wait: break
                }
            }
        } onCancel: {
            state.withLock { $0.cancelWaiter(target: target, id: id) }?.resume(throwing: CancellationError())
        }
    }

    /// Takes back `connection` after an exchange; closes it when it may not be reused or is not needed,
    /// and closes the idle connections of the least recently used targets when one too many keeps some.
    func release(_ connection: Connection, reusable: Bool) {
        let (decision, evicted) = state.withLock { state in
            let decision = state.release(
                connection, target: connection.poolKey, loop: ObjectIdentifier(connection.eventLoop),
                reusable: reusable)
            return (decision, state.evictLeastRecentlyUsed())
        }
        for idle in evicted { idle.close() }
        switch decision {
        case .handOver(let waiter): waiter.resume(returning: .reuse(connection))
        case .parked: break
        case .close: connection.close()
        }
    }

    /// Forgets `connection`, which closed, and lets the oldest waiter open a replacement.
    func closed(_ connection: Connection) {
        state.withLock { $0.closed(connection, target: connection.poolKey) }?.resume(returning: .connect)
    }

    /// Frees the slot of a connection to `target` that could not be opened.
    func connectFailed(target: String) {
        state.withLock { $0.connectFailed(target: target) }?.resume(returning: .connect)
    }

    /// Closes every idle connection and fails every waiter; connections in use close when released.
    func shutDown() {
        let (idle, waiters) = state.withLock { $0.shutDown() }
        for waiter in waiters { waiter.resume(throwing: UpstreamPoolClosed()) }
        for connection in idle { connection.close() }
    }

    /// The event loops of the idle connections to `target`.
    func idleLoops(target: String) -> [ObjectIdentifier] {
        state.withLock { $0.idleLoops(target: target) }
    }

    /// The number of targets keeping idle connections, for tests and metrics.
    var pooledTargetCount: Int {
        state.withLock { $0.pooledTargetCount }
    }

    /// Open (or opening) and idle connection counts for `target`, for tests and metrics.
    func counts(target: String) -> (open: Int, idle: Int) {
        state.withLock { ($0.openCount(target: target), $0.idleCount(target: target)) }
    }
}

/// The transport was shut down.
struct UpstreamPoolClosed: Error, CustomStringConvertible {
    var description: String { "the upstream transport was shut down" }
}
