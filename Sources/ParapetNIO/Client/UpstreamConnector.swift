import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import ParapetCore
import ParapetUpstream

/// TLS for upstream connections: the client context, the SNI name and the handshake deadline.
struct UpstreamTLSSettings: Sendable {
    let context: NIOSSLContext
    /// The SNI name (and the name the certificate is checked against); `nil`: the target's host, unless
    /// it is an IP literal (then no SNI, and the certificate is checked against the address).
    let serverName: String?
    let handshakeTimeout: TimeAmount
}

/// A connected channel, TLS handshake done, with the protocol ALPN chose (`nil` without TLS or ALPN).
struct UpstreamConnectedChannel: Sendable {
    let channel: any Channel
    let negotiatedProtocol: String?
}

/// Opens connections to targets with NIO's `ClientBootstrap`, on the event loop it is told: TCP (names
/// resolved through the runtime's ``ParapetCore/Resolver``, literal IPs dialled directly, each address
/// tried in order) with `TCP_NODELAY`, or unix-domain sockets; optionally TLS with ALPN.
struct UpstreamConnector: Sendable {
    /// What a target string names.
    enum Destination: Sendable {
        /// `host:port` over TCP; a bare host takes `defaultPort`.
        case tcp(defaultPort: UInt16)
        /// A unix-domain socket path (a trailing `:80` is trimmed).
        case unixSocket
    }

    let destination: Destination
    let connectTimeout: TimeAmount
    let tls: UpstreamTLSSettings?

    /// Connects to `target` on `loop`. With a `policy` (the target came from a client), a literal address
    /// and every address the name resolves to are checked before any is dialled, and only those are
    /// dialled: no second lookup can rebind the name to a refused address.
    ///
    /// - Throws: ``UpstreamInvalidTarget``, ``ParapetUpstream/UpstreamTargetRefused``, the resolver's error,
    ///   or the last connection error.
    func connect(
        to target: String, on loop: any EventLoop, resolver: any ParapetCore.Resolver, policy: DynamicTargetPolicy?
    ) async throws -> UpstreamConnectedChannel {
        switch destination {
        case .unixSocket:
            let path = Self.socketPath(target)
            return try await connect(on: loop, serverName: nil) { try await $0.connect(unixDomainSocketPath: path).get() }
        case .tcp(let defaultPort):
            guard let parsed = UpstreamTarget(parsing: target, defaultPort: defaultPort) else {
                throw UpstreamInvalidTarget(target: target)
            }
            let resolved: [IPAddress]
            if let literal = parsed.ipAddress {
                resolved = [literal]
            } else {
                resolved = try await resolver.resolve(host: parsed.host, port: parsed.port).compactMap(\.ipAddress)
                guard !resolved.isEmpty else { throw UpstreamInvalidTarget(target: target) }
            }
            if let policy, let refusal = resolved.lazy.compactMap(policy.refusal(for:)).first {
                throw UpstreamTargetRefused(target: target, reason: refusal)
            }
            let addresses = resolved.compactMap { try? SocketAddress(ipAddress: "\($0)", port: Int(parsed.port)) }
            let serverName = tls.map { $0.serverName ?? (parsed.ipAddress == nil ? parsed.host : nil) } ?? nil
            var lastError: any Error = UpstreamInvalidTarget(target: target)
            for address in addresses {
                do {
                    return try await connect(on: loop, serverName: serverName) { bootstrap in
                        try await bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1).connect(to: address).get()
                    }
                } catch {
                    lastError = error
                }
            }
            throw lastError
        }
    }

    /// The socket path a unix target names: Go's transport sees `path:80` when the path came in as a host.
    static func socketPath(_ target: String) -> String {
        target.hasSuffix(":80") ? String(target.dropLast(3)) : target
    }

    private func connect(
        on loop: any EventLoop, serverName: String?, _ open: (ClientBootstrap) async throws -> any Channel
    ) async throws -> UpstreamConnectedChannel {
        var bootstrap = ClientBootstrap(group: loop).connectTimeout(connectTimeout)
        guard let tls else {
            bootstrap = bootstrap.channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UpstreamReadBuffer())
                }
            }
            return UpstreamConnectedChannel(channel: try await open(bootstrap), negotiatedProtocol: nil)
        }
        let handshake = loop.makePromise(of: String?.self)
        bootstrap = bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(NIOSSLClientHandler(context: tls.context, serverHostname: serverName))
                try operations.addHandler(UpstreamTLSHandshakeObserver(promise: handshake))
                try operations.addHandler(UpstreamReadBuffer())
            }
        }
        let channel: any Channel
        do {
            channel = try await open(bootstrap)
        } catch {
            handshake.fail(error)
            throw error
        }
        let timeout = loop.scheduleTask(in: tls.handshakeTimeout) {
            handshake.fail(UpstreamTLSHandshakeTimeout())
            channel.close(promise: nil)
        }
        defer { timeout.cancel() }
        do {
            return UpstreamConnectedChannel(channel: channel, negotiatedProtocol: try await handshake.futureResult.get())
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }
}

/// Completes a promise with the protocol ALPN chose once the TLS handshake is done, or fails it.
final class UpstreamTLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<String?>

    init(promise: EventLoopPromise<String?>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted(let negotiated) = event {
            promise.succeed(negotiated)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(UpstreamConnectionClosed())
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension UpstreamTLSHandshakeObserver: Sendable {}

/// A target that is not `host:port` (or names no address).
public struct UpstreamInvalidTarget: Error, Sendable, CustomStringConvertible {
    /// The target as given.
    public var target: String
    /// A sentence saying what went wrong.
    public var description: String { "invalid upstream target \"\(target)\": expected host:port" }
}

/// The TLS handshake with the upstream did not finish in time.
public struct UpstreamTLSHandshakeTimeout: Error, Sendable, CustomStringConvertible {
    /// A sentence saying what went wrong.
    public var description: String { "the TLS handshake with the upstream timed out" }
}
