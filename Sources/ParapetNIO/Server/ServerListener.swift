import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOHTTP2
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
    typealias Channel = NIOAsyncChannel<IncomingConnection, Never>

    /// The address the socket is bound to, with the actual port when port `0` was requested.
    public let localAddress: NetworkAddress

    private let channel: Channel
    private let quiescing: ServerQuiescingHelper
    private let requestLoop: RequestLoop
    private let executors: EventLoopExecutors
    private let logger: Logger
    private let hasServed = Atomic(false)
    private let forceClose: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)

    init(
        channel: Channel,
        localAddress: NetworkAddress,
        quiescing: ServerQuiescingHelper,
        requestLoop: RequestLoop,
        executors: EventLoopExecutors,
        logger: Logger
    ) {
        self.channel = channel
        self.executors = executors
        self.localAddress = localAddress
        self.quiescing = quiescing
        self.requestLoop = requestLoop
        self.logger = logger
        self.forceClose = AsyncStream.makeStream(of: Void.self)
    }

    /// Accepts and serves connections, each in its own child task, until the listener is drained and
    /// every connection has finished, or the calling task is cancelled.
    ///
    /// - Throws: ``ServerListenerError/alreadyServed`` on a second call.
    public func serve() async throws {
        guard !hasServed.exchange(true, ordering: .relaxed) else { throw ServerListenerError.alreadyServed }
        let channel = self.channel
        let forceClose = self.forceClose.stream
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.acceptConnections() }
                group.addTask {
                    for await _ in forceClose { return }
                }
                _ = try await group.next()
                group.cancelAll()
            }
        } onCancel: {
            channel.channel.close(promise: nil)
        }
    }

    /// Stops accepting, asks every connection to finish (HTTP/1 connections close once their response is
    /// written, HTTP/2 connections get a GOAWAY), waits up to `graceTimeout` for them, then closes the rest.
    func drain(graceTimeout: Duration, clock: any MonotonicClock) async {
        let drained = channel.channel.eventLoop.makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: drained)
        // Whichever comes first: every connection closed, or the grace timeout. (An event-loop future
        // cannot be cancelled, so the race is settled by a once-only continuation, not a task group.)
        let closedInTime = await withCheckedContinuation { continuation in
            let verdict = FirstVerdict(continuation)
            let timer = Task {
                try? await clock.sleep(for: graceTimeout)
                verdict.resolve(false)
            }
            drained.futureResult.whenComplete { _ in
                timer.cancel()
                verdict.resolve(true)
            }
        }
        if !closedInTime {
            logger.warning("grace timeout elapsed; closing the remaining connections")
            forceClose.continuation.yield()
        }
        forceClose.continuation.finish()
    }

    private func acceptConnections() async throws {
        let requestLoop = self.requestLoop
        let executors = self.executors
        let logger = self.logger
        try await channel.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await incoming in inbound {
                    // Serve the connection on its own event loop's thread.
                    let executor = executors.executor(for: incoming.negotiated.eventLoop)
                    group.addTask(executorPreference: executor) {
                        await Self.serve(incoming, with: requestLoop, logger: logger)
                    }
                }
            }
        }
    }

    private static func serve(_ incoming: IncomingConnection, with requestLoop: RequestLoop, logger: Logger) async {
        let negotiated: NegotiatedConnection
        do {
            negotiated = try await incoming.negotiated.get()
        } catch {
            logger.debug("connection setup failed", metadata: ["error": "\(error)"])
            return
        }
        switch negotiated {
        case .http1_1(let channel):
            await requestLoop.serve(channel, connection: incoming.accepted, over: .http1)
        case .http2(let http2):
            let (connection, multiplexer) = http2
            do {
                try await withTaskCancellationHandler {
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await stream in multiplexer.inbound {
                            group.addTask { await requestLoop.serve(stream, connection: incoming.accepted, over: .http2) }
                        }
                    }
                } onCancel: {
                    connection.close(promise: nil)
                }
            } catch {
                logger.debug("HTTP/2 connection closed", metadata: ["error": "\(error)"])
            }
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
