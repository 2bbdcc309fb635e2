import ParapetCore
import Synchronization

/// The once-only parts of a server's graceful shutdown: the hooks registered with
/// ``Server/onShutdown(_:)``, the listener to drain, and the ``ShutdownState`` its chain reads.
///
/// Hooks registered before shutdown run once when it begins; hooks registered after it began run at
/// once; none runs twice.
final class ShutdownCoordinator: Sendable {
    typealias Hook = @Sendable () async -> Void

    private struct State {
        var hooks: [Hook] = []
        var hasBegun = false
        var listener: ServerListener?
    }

    private let state = Mutex(State())

    /// What the server's chain sees: it turns `true` the moment shutdown begins.
    let shutdown = ShutdownState()

    /// Whether shutdown has begun.
    var hasBegun: Bool { state.withLock { $0.hasBegun } }

    /// Remembers `hook` for shutdown; returns `false` when shutdown already began, so the caller runs it now.
    func register(_ hook: @escaping Hook) -> Bool {
        state.withLock { state in
            guard !state.hasBegun else { return false }
            state.hooks.append(hook)
            return true
        }
    }

    /// Remembers the listener to drain; returns `false` when shutdown already began.
    func attach(_ listener: ServerListener) -> Bool {
        state.withLock { state in
            state.listener = listener
            return !state.hasBegun
        }
    }

    /// Marks shutdown as begun; on the first call only, returns the hooks to run and the listener to drain.
    func begin() -> (hooks: [Hook], listener: ServerListener?)? {
        state.withLock { state in
            guard !state.hasBegun else { return nil }
            state.hasBegun = true
            shutdown.begin()
            defer { state.hooks.removeAll() }
            return (state.hooks, state.listener)
        }
    }
}
