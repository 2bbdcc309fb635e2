import NIOCore
import Synchronization

/// The open connections of one listener, so a drain that runs out of time can close them all and
/// ``ServerListener/serve()`` can wait for the last one to go.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Tracks `channel` until it closes.
    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.channels[id] = channel }
        channel.closeFuture.whenComplete { _ in self.remove(id) }
    }

    /// Closes every open connection.
    func closeAll() {
        let channels = state.withLock { Array($0.channels.values) }
        for channel in channels {
            channel.close(mode: .all, promise: nil)
        }
    }

    /// Returns once no connection is open.
    func waitUntilEmpty() async {
        await withCheckedContinuation { continuation in
            let isEmpty = state.withLock { state in
                if state.channels.isEmpty { return true }
                state.emptyWaiters.append(continuation)
                return false
            }
            if isEmpty { continuation.resume() }
        }
    }

    private func remove(_ id: ObjectIdentifier) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.channels[id] = nil
            guard state.channels.isEmpty else { return [] }
            defer { state.emptyWaiters.removeAll() }
            return state.emptyWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
