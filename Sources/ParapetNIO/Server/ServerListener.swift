import Logging
import NIOCore
import NIOExtras
public import ParapetCore
import Synchronization

/// A bound listening socket, ready to serve.
///
/// ```swift
/// let listener = try await server.listen()
/// print("serving on \(listener.localAddress)")
/// try await listener.serve()   // until drained or the task is cancelled
/// ```
public final class ServerListener: Sendable {
    /// The address the socket is bound to, with the actual port when port `0` was requested.
    public let localAddress: NetworkAddress

    private let channel: any Channel
    private let quiescing: ServerQuiescingHelper
    private let connections: ConnectionRegistry
    private let logger: Logger
    private let hasServed = Atomic(false)

    init(
        channel: any Channel,
        localAddress: NetworkAddress,
        quiescing: ServerQuiescingHelper,
        connections: ConnectionRegistry,
        logger: Logger
    ) {
        self.channel = channel
        self.localAddress = localAddress
        self.quiescing = quiescing
        self.connections = connections
        self.logger = logger
    }

    /// Accepts and serves connections until the listener is drained and every connection has finished,
    /// or the calling task is cancelled (which closes the listener and every connection).
    ///
    /// - Throws: ``ServerListenerError/alreadyServed`` on a second call.
    public func serve() async throws {
        guard !hasServed.exchange(true, ordering: .relaxed) else { throw ServerListenerError.alreadyServed }
        let channel = self.channel
        let connections = self.connections
        await withTaskCancellationHandler {
            // The socket was bound with reading off, so nothing is accepted before this call.
            channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in channel.close(promise: nil) }
            try? await channel.closeFuture.get()
            await connections.waitUntilEmpty()
        } onCancel: {
            channel.close(promise: nil)
            connections.closeAll()
        }
    }

    /// Stops accepting, asks every connection to finish (HTTP/1 connections close once their response is
    /// written, HTTP/2 connections get a GOAWAY), waits up to `graceTimeout` for them, then closes the rest.
    func drain(graceTimeout: Duration, clock: any MonotonicClock) async {
        let drained = channel.eventLoop.makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: drained)
        // Whichever comes first: every connection closed, or the grace timeout. (An event-loop future
        // cannot be cancelled, so the race is settled by a once-only continuation, not a task group.)
        let closedInTime = await withCheckedContinuation { continuation in
            let verdict = FirstVerdict(continuation)
            let timer = Task {
                // A cancelled sleep means the connections closed first: that answer is theirs to give.
                guard (try? await clock.sleep(for: graceTimeout)) != nil else { return }
                verdict.resolve(false)
            }
            drained.futureResult.whenComplete { _ in
                verdict.resolve(true)
                timer.cancel()
            }
        }
        if !closedInTime {
            logger.warning("grace timeout elapsed; closing the remaining connections")
            connections.closeAll()
        }
    }
}

/// Resumes a continuation with the first of several racing answers and ignores the rest.
private final class FirstVerdict: Sendable {
    private let continuation: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resolve(_ answer: Bool) {
        continuation.withLock { $0.take() }?.resume(returning: answer)
    }
}

/// Misuse of a ``ServerListener``.
public enum ServerListenerError: Error, Equatable, Sendable {
    /// ``ServerListener/serve()`` was called twice.
    case alreadyServed
}
