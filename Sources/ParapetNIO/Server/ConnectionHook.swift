public import NIOCore
public import ParapetCore
import Synchronization

/// Wraps each accepted connection before any TLS or HTTP handling — Go's `ModifyConnection`.
///
/// A hook adds channel handlers to the front of a new connection's pipeline: to read a PROXY-protocol
/// header, count bytes, or enforce per-peer limits. Hooks run in registration order on the connection's
/// event loop, so the first hook registered sees the raw bytes first. They apply however the server is
/// started.
///
/// ```swift
/// struct CountBytes: ConnectionHook {
///     func configure(_ channel: any Channel, connection: AcceptedConnection) throws {
///         try channel.pipeline.syncOperations.addHandler(ByteCounter())
///     }
/// }
/// try server.addConnectionHook(CountBytes())
/// ```
public protocol ConnectionHook: Sendable {
    /// Adds this hook's handlers to `channel`; called on the channel's event loop right after accept.
    ///
    /// - Parameter connection: the connection's facts, which the hook may rewrite (for example the peer
    ///   address a trusted PROXY-protocol header names) before the first request is read.
    func configure(_ channel: any Channel, connection: AcceptedConnection) throws
}

/// What the server knows about an accepted connection; connection hooks may rewrite it.
///
/// Requests read a snapshot (``info``) when their head arrives, so a hook that learns the real client
/// address from a header at the start of the stream rewrites it before any request sees it.
///
/// ```swift
/// connection.update { info in info.peer = .ip(clientIP, port: clientPort) }
/// ```
public final class AcceptedConnection: Sendable {
    /// The peer address of the socket itself, whatever hooks rewrite.
    public let socketPeer: NetworkAddress?

    private let facts: Mutex<ConnectionInfo>

    /// Creates the facts for a connection from `socketPeer` to `local`.
    public init(socketPeer: NetworkAddress?, local: NetworkAddress?, tls: ConnectionInfo.TLS? = nil) {
        self.socketPeer = socketPeer
        self.facts = Mutex(ConnectionInfo(peer: socketPeer, local: local, tls: tls))
    }

    /// The current facts.
    public var info: ConnectionInfo {
        facts.withLock { $0 }
    }

    /// Rewrites the facts.
    public func update(_ body: (inout ConnectionInfo) -> Void) {
        facts.withLock { body(&$0) }
    }
}
