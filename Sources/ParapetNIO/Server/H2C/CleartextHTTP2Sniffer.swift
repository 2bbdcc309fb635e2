import NIOCore
import NIOTLS

/// Lets one cleartext port serve HTTP/1.1, HTTP/2 with prior knowledge, and HTTP/2 reached by
/// `Upgrade: h2c` (RFC 7540 §3.2), by standing in for TLS's protocol negotiation.
///
/// Put it first in a connection's pipeline, in front of the protocol negotiation that
/// `configureHTTP2AsyncSecureUpgrade(http1ConnectionInitializer:http2ConnectionInitializer:)` installs. It
/// looks at the first bytes and fires the `TLSUserEvent.handshakeCompleted(negotiatedProtocol:)` that the
/// negotiation handler waits for, then forwards the bytes it held and leaves the pipeline:
///
/// - The HTTP/2 client connection preface announces `"h2"`; the decision is made on the first byte that
///   differs from the preface. A request line naming a protocol other than HTTP/1.x (see
///   ``H2CUpgradeRequest/RequestLineScanner``) announces `"h2"` too, as a broken preface the HTTP/2 handler rejects.
/// - An HTTP/1.1 request that qualifies for an h2c upgrade (see ``H2CUpgradeRequest``) is answered with
///   `101 Switching Protocols` and announces `"h2"`; the request itself then reaches the HTTP/2 handler as a
///   HEADERS frame on stream 1, slotted in right after the client's preface and first SETTINGS frame.
///   The `HTTP2-Settings` header is validated but not applied: the client repeats its settings in the SETTINGS
///   frame of its preface, which the server processes before it sees stream 1.
/// - Anything else, including an h2c upgrade with a body, announces `nil` (no protocol negotiated), which the
///   negotiation handler treats as HTTP/1.1; the bytes are forwarded unchanged.
///
/// ```swift
/// ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 8080) { channel in
///     channel.pipeline.addHandler(CleartextHTTP2Sniffer()).flatMap {
///         channel.configureHTTP2AsyncSecureUpgrade(
///             http1ConnectionInitializer: { channel in ... },
///             http2ConnectionInitializer: { channel in ... }
///         )
///     }
/// }
/// ```
///
/// The decisions live in ``CleartextHTTP2Sniffer/StateMachine``; this class only carries them out. If the
/// connection closes before a decision, no protocol is announced and the held bytes are dropped; a half-close
/// (`ChannelEvent.inputClosed`) decides on what arrived. A server's read-header timeout must sit in front of this
/// handler or on the channel: until it decides, no HTTP handler is in the pipeline.
final class CleartextHTTP2Sniffer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var stateMachine: StateMachine

    /// Creates the handler for one new connection.
    ///
    /// - Parameters:
    ///   - maxHeaderBytes: the most bytes held while looking for the end of the first HTTP/1.x request head. A
    ///     longer head is forwarded as HTTP/1.1, so the HTTP/1 decoder applies its own limit (and its `431`).
    ///   - maxHeaderListSize: the `SETTINGS_MAX_HEADER_LIST_SIZE` the HTTP/2 server advertises. An upgrade request
    ///     whose header list is larger, or larger than the 16 KiB NIO enforces until the client acknowledges the
    ///     server's SETTINGS, is served as HTTP/1.1 rather than failing on HTTP/2.
    init(maxHeaderBytes: Int = 16_384, maxHeaderListSize: Int = 16_384) {
        self.stateMachine = StateMachine(maxHeaderBytes: maxHeaderBytes, maxHeaderListSize: maxHeaderListSize)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let action = stateMachine.bytesReceived(unwrapInboundIn(data))
        if perform(action, context: context) {
            removeFromPipeline(context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // While sniffing nothing has been passed on, so nobody downstream asks for more: ask on its behalf.
        if stateMachine.isSniffing {
            context.read()
            return
        }
        context.fireChannelReadComplete()
        if !stateMachine.isFinished {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            // A TLS handler in front of this one has negotiated already: announcing again would be a second
            // negotiation, so step aside with whatever was held.
            let held = stateMachine.abandon()
            context.fireUserInboundEventTriggered(event)
            forward(held, context: context, thenReadComplete: true)
            removeFromPipeline(context: context)
            return
        }
        guard case .inputClosed = event as? ChannelEvent, !stateMachine.isFinished else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        let isFinished = perform(stateMachine.inputClosed(), context: context)
        context.fireChannelReadComplete()
        context.fireUserInboundEventTriggered(event)
        if isFinished {
            removeFromPipeline(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let held = stateMachine.channelInactive() {
            forward(held, context: context, thenReadComplete: true)
        }
        context.fireChannelInactive()
    }

    /// Carries out `action`; returns whether the handler is done and should leave the pipeline.
    private func perform(_ action: StateMachine.Action, context: ChannelHandlerContext) -> Bool {
        switch action {
        case .bufferMore:
            return false
        case .negotiate(let negotiated, let forwarding):
            let name: String? =
                switch negotiated {
                case .http2: "h2"
                case .http1_1: nil  // ALPNResult.fallback: the negotiation handler's HTTP/1.1 branch.
                }
            context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: name))
            forward(forwarding, context: context, thenReadComplete: false)
            return true
        case .upgrade(let response, let forwarding, let isFinished):
            // The 101 goes out before the HTTP/2 handler exists, so it precedes the server's SETTINGS.
            context.writeAndFlush(wrapOutboundOut(response), promise: nil)
            context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: "h2"))
            forward(forwarding, context: context, thenReadComplete: false)
            return isFinished
        case .forward(let forwarding, let isFinished):
            forward(forwarding, context: context, thenReadComplete: false)
            return isFinished
        }
    }

    private func forward(_ bytes: ByteBuffer, context: ChannelHandlerContext, thenReadComplete: Bool) {
        guard bytes.readableBytes > 0 else { return }
        context.fireChannelRead(wrapInboundOut(bytes))
        if thenReadComplete {
            context.fireChannelReadComplete()
        }
    }

    private func removeFromPipeline(context: ChannelHandlerContext) {
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

@available(*, unavailable)
extension CleartextHTTP2Sniffer: Sendable {}
