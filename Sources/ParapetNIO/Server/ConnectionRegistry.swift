import Logging
import NIOCore
import Synchronization

/// The open connections of one listener: admits each against the server's connection cap, so a drain
/// that runs out of time can close them all and ``ServerListener/serve()`` can wait for the last one to go.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var admission: StateMachine
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>
    private let maxConnections: Int?
    private let logger: Logger

    /// A registry admitting at most `maxConnections` at once (`nil`: no cap), logging to `logger`.
    init(maxConnections: Int?, logger: Logger) {
        self.state = Mutex(State(admission: StateMachine(limit: maxConnections)))
        self.maxConnections = maxConnections
        self.logger = logger
    }

    /// Tracks `channel` until it closes; returns `false`, tracking nothing, when the server is at its cap.
    func add(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let decision = state.withLock { state in
            let decision = state.admission.accept()
            if decision == .admit { state.channels[id] = channel }
            return decision
        }
        switch decision {
        case .admit:
            channel.closeFuture.whenComplete { _ in self.remove(id) }
            return true
        case .refuse(let startsEpisode):
            if startsEpisode {
                logger.warning(
                    "connection limit reached: closing new connections until some close",
                    metadata: ["maxConnections": "\(maxConnections ?? 0)"])
            }
            return false
        }
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
        let (waiters, outcome) = state.withLock { state in
            state.channels[id] = nil
            let outcome = state.admission.closed()
            guard state.channels.isEmpty else { return ([CheckedContinuation<Void, Never>](), outcome) }
            defer { state.emptyWaiters.removeAll() }
            return (state.emptyWaiters, outcome)
        }
        if case .episodeEnded(let refused) = outcome {
            logger.info("connection limit: accepting again", metadata: ["refused": "\(refused)"])
        }
        for waiter in waiters { waiter.resume() }
    }
}
