import Logging
import NIOCore
import NIOHTTP1
public import ParapetCore
import Synchronization

/// A bound listening socket, ready to serve.
///
/// ```swift
/// let listener = try await server.listen()
/// print("serving on \(listener.localAddress)")
/// try await listener.serve()   // until the task is cancelled
/// ```
public final class ServerListener: Sendable {
    typealias Channel = NIOAsyncChannel<HTTP1Connection.Channel, Never>

    /// The address the socket is bound to, with the actual port when port `0` was requested.
    public let localAddress: NetworkAddress

    private let channel: Channel
    private let connection: HTTP1Connection
    private let hasServed = Atomic(false)

    init(channel: Channel, localAddress: NetworkAddress, connection: HTTP1Connection) {
        self.channel = channel
        self.localAddress = localAddress
        self.connection = connection
    }

    /// Accepts and serves connections until the calling task is cancelled, then closes the socket.
    ///
    /// Each connection is served in its own child task; one failing connection never affects another.
    ///
    /// - Throws: ``ServerListenerError/alreadyServed`` on a second call.
    public func serve() async throws {
        guard !hasServed.exchange(true, ordering: .relaxed) else { throw ServerListenerError.alreadyServed }
        let connection = self.connection
        try await withTaskCancellationHandler {
            try await channel.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await child in inbound {
                        group.addTask { await connection.serve(child) }
                    }
                }
            }
        } onCancel: {
            channel.channel.close(promise: nil)
        }
    }
}

/// Misuse of a ``ServerListener``.
public enum ServerListenerError: Error, Equatable, Sendable {
    /// ``ServerListener/serve()`` was called twice.
    case alreadyServed
}
