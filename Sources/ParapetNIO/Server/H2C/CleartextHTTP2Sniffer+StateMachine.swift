import NIOCore

extension CleartextHTTP2Sniffer {
    /// The decisions of ``CleartextHTTP2Sniffer``, as a value type with no I/O.
    ///
    /// It is fed the connection's inbound bytes and answers with an ``Action`` for the handler to carry out:
    /// keep buffering, settle on a protocol, upgrade an `Upgrade: h2c` request, or pass bytes on.
    ///
    /// ```swift
    /// var machine = CleartextHTTP2Sniffer.StateMachine(maxHeaderBytes: 16_384)
    /// machine.bytesReceived(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
    /// // .negotiate(.http1_1, forwarding: the same bytes)
    /// ```
    struct StateMachine {
        /// The protocol the connection speaks from now on.
        enum NegotiatedProtocol: Equatable, Sendable {
            /// HTTP/1.x, served by the HTTP/1 pipeline.
            case http1_1
            /// HTTP/2, served by the HTTP/2 pipeline.
            case http2
        }

        /// What the handler must do next.
        enum Action: Equatable {
            /// Nothing yet; the handler needs more bytes (and should ask for them).
            case bufferMore
            /// Announce `NegotiatedProtocol`, forward the bytes (possibly none) and leave the pipeline.
            case negotiate(NegotiatedProtocol, forwarding: ByteBuffer)
            /// Write `response` (the `101`), announce HTTP/2, forward the bytes (possibly none), and leave the
            /// pipeline when `isFinished`; otherwise keep going until the client's preface has passed.
            case upgrade(response: ByteBuffer, forwarding: ByteBuffer, isFinished: Bool)
            /// Forward the bytes (possibly none); leave the pipeline when `isFinished`.
            case forward(ByteBuffer, isFinished: Bool)
        }

        private enum State {
            /// Before a decision: the bytes so far, and how far they have been looked at.
            case sniffing(Sniffing)
            /// After the `101`: holding bytes until the client's preface and first SETTINGS frame have arrived,
            /// when the upgraded request's HEADERS frame is slotted in after them.
            case awaitingClientPreface(buffered: ByteBuffer, headersFrame: ByteBuffer)
            case finished
        }

        /// The `101` response that accepts an h2c upgrade.
        static let switchingProtocols = ByteBuffer(
            string: "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
        )

        /// The most bytes buffered while looking for the end of the first request head.
        let maxHeaderBytes: Int
        /// The largest header list an upgraded request may have; larger ones stay on HTTP/1.1.
        let maxHeaderListSize: Int

        /// The header list size NIO's HPACK decoder enforces until the client acknowledges the server's SETTINGS
        /// (`HPACKDecoder.defaultMaxHeaderListSize`). The injected HEADERS frame always arrives before that
        /// acknowledgement, so a larger advertised limit does not apply to it yet.
        static let headerListSizeBeforeSettingsAcknowledged = 16_384

        private struct Sniffing {
            var buffered = ByteBuffer()
            /// How many bytes the search for the end of the head has ruled out.
            var headSearchCount = 0
            var requestLine = H2CUpgradeRequest.RequestLineScanner()
            /// How many bytes `requestLine` has seen.
            var requestLineCount = 0
        }

        private var state = State.sniffing(Sniffing())

        /// Creates the machine for a new connection.
        ///
        /// - Parameters:
        ///   - maxHeaderBytes: the most bytes buffered while looking for the end of the first request head;
        ///     past it the connection is HTTP/1.1 and the HTTP/1 decoder applies its own limit.
        ///   - maxHeaderListSize: the `SETTINGS_MAX_HEADER_LIST_SIZE` the HTTP/2 server advertises. The limit
        ///     applied is the smaller of it and ``headerListSizeBeforeSettingsAcknowledged``.
        init(maxHeaderBytes: Int = 16_384, maxHeaderListSize: Int = 16_384) {
            self.maxHeaderBytes = max(maxHeaderBytes, 1)
            self.maxHeaderListSize = min(maxHeaderListSize, Self.headerListSizeBeforeSettingsAcknowledged)
        }

        /// Whether the machine is still waiting for bytes before it can decide anything.
        var isSniffing: Bool {
            if case .sniffing = state { return true }
            return false
        }

        /// Whether the handler is done and should be out of the pipeline.
        var isFinished: Bool {
            if case .finished = state { return true }
            return false
        }

        /// Takes the next inbound bytes.
        mutating func bytesReceived(_ bytes: ByteBuffer) -> Action {
            switch state {
            case .sniffing(var sniffing):
                state = .finished  // Drop the stored reference so the append below does not copy.
                Self.append(bytes, to: &sniffing.buffered)
                return sniff(sniffing)
            case .awaitingClientPreface(var buffered, let headersFrame):
                state = .finished
                Self.append(bytes, to: &buffered)
                let (forwarding, isFinished) = passClientPreface(buffered, headersFrame: headersFrame)
                return .forward(forwarding, isFinished: isFinished)
            case .finished:
                return .forward(bytes, isFinished: true)
            }
        }

        /// The peer closed its side of the connection: decide on what arrived.
        ///
        /// A partial preface goes to HTTP/2 and anything else to HTTP/1.1, whose handlers answer or close.
        mutating func inputClosed() -> Action {
            switch state {
            case .sniffing(let sniffing):
                state = .finished
                let buffered = sniffing.buffered
                let isPreface =
                    buffered.readableBytes > 0 && HTTP2ClientPreface.match(buffered.readableBytesView) != .mismatch
                return .negotiate(isPreface ? .http2 : .http1_1, forwarding: buffered)
            case .awaitingClientPreface(let buffered, _):
                state = .finished
                return .forward(buffered, isFinished: true)
            case .finished:
                return .forward(ByteBuffer(), isFinished: true)
            }
        }

        /// The connection closed. Before a decision the buffered bytes are dropped and no protocol is
        /// announced; after an upgrade, the held bytes are returned for the HTTP/2 handler.
        mutating func channelInactive() -> ByteBuffer? {
            defer { state = .finished }
            if case .awaitingClientPreface(let buffered, _) = state, buffered.readableBytes > 0 {
                return buffered
            }
            return nil
        }

        /// Gives up without deciding (someone else announced a protocol): returns any held bytes.
        mutating func abandon() -> ByteBuffer {
            defer { state = .finished }
            switch state {
            case .sniffing(let sniffing):
                return sniffing.buffered
            case .awaitingClientPreface(let buffered, _):
                return buffered
            case .finished:
                return ByteBuffer()
            }
        }

        private mutating func sniff(_ sniffing: Sniffing) -> Action {
            var sniffing = sniffing
            let buffered = sniffing.buffered
            let view = buffered.readableBytesView
            switch HTTP2ClientPreface.match(view) {
            case .complete:
                return .negotiate(.http2, forwarding: buffered)
            case .partial:
                state = .sniffing(sniffing)
                return .bufferMore
            case .mismatch:
                break
            }
            // Rule out plain HTTP/1.x (and garbage) on its first bytes; each byte is looked at once. A request
            // line naming another protocol than HTTP/1.x is a broken preface, for the HTTP/2 handler to reject.
            let unscanned = view.dropFirst(sniffing.requestLineCount)
            sniffing.requestLineCount += unscanned.count
            let verdict = sniffing.requestLine.scan(unscanned)
            if sniffing.requestLine.version == .otherProtocol {
                return .negotiate(.http2, forwarding: buffered)
            }
            guard verdict != .cannotQualify else {
                guard sniffing.requestLine.version == .undecided, view.count < maxHeaderBytes else {
                    return .negotiate(.http1_1, forwarding: buffered)
                }
                state = .sniffing(sniffing)
                return .bufferMore
            }
            guard let headCount = Self.headCount(in: view, from: sniffing.headSearchCount) else {
                if view.count >= maxHeaderBytes {
                    return .negotiate(.http1_1, forwarding: buffered)
                }
                // The end of a head is at most three bytes long, so its start may be among the last two.
                sniffing.headSearchCount = max(view.count - 2, 0)
                state = .sniffing(sniffing)
                return .bufferMore
            }
            guard headCount <= maxHeaderBytes,
                let request = H2CUpgradeRequest(head: view.prefix(headCount)),
                let headersFrame = request.headersFrame(maxHeaderListSize: maxHeaderListSize)
            else {
                return .negotiate(.http1_1, forwarding: buffered)
            }
            var rest = buffered
            rest.moveReaderIndex(forwardBy: headCount)
            // A client that pipelined more HTTP/1 after the request is not about to speak HTTP/2: decline.
            guard HTTP2ClientPreface.match(rest.readableBytesView) != .mismatch else {
                return .negotiate(.http1_1, forwarding: buffered)
            }
            let (forwarding, isFinished) = passClientPreface(rest, headersFrame: headersFrame)
            return .upgrade(response: Self.switchingProtocols, forwarding: forwarding, isFinished: isFinished)
        }

        /// Holds bytes until the preface and the first SETTINGS frame are complete, then releases them with
        /// `headersFrame` right after that SETTINGS frame. Bytes that are not a valid preface and SETTINGS are
        /// released unchanged for the HTTP/2 handler to reject.
        private mutating func passClientPreface(
            _ buffered: ByteBuffer,
            headersFrame: ByteBuffer
        ) -> (forwarding: ByteBuffer, isFinished: Bool) {
            switch HTTP2ClientPreface.firstSettingsFrame(in: buffered.readableBytesView) {
            case .incomplete:
                state = .awaitingClientPreface(buffered: buffered, headersFrame: headersFrame)
                return (ByteBuffer(), false)
            case .invalid:
                state = .finished
                return (buffered, true)
            case .complete(let count):
                state = .finished
                var rest = buffered
                var headersFrame = headersFrame
                guard var forwarding = rest.readSlice(length: count) else { return (buffered, true) }
                forwarding.writeBuffer(&headersFrame)
                forwarding.writeBuffer(&rest)
                return (forwarding, true)
            }
        }

        /// Appends `bytes`, taking them over without a copy when nothing is held yet (the common single read).
        private static func append(_ bytes: ByteBuffer, to buffered: inout ByteBuffer) {
            if buffered.readableBytes == 0 {
                buffered = bytes
            } else {
                var bytes = bytes
                buffered.writeBuffer(&bytes)
            }
        }

        /// The length of the request head at the start of `view` (through the empty line), searching for its
        /// end from `start`; `nil` while incomplete. A bare LF ends lines too here, so a sloppy head is still
        /// recognised as complete (and then served as HTTP/1.1).
        private static func headCount(in view: ByteBufferView, from start: Int) -> Int? {
            let bytes = view.dropFirst(start)
            var index = bytes.startIndex
            while index < bytes.endIndex {
                guard let lineFeed = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                let next = bytes.index(after: lineFeed)
                if next < bytes.endIndex, bytes[next] == UInt8(ascii: "\n") {
                    return bytes.distance(from: view.startIndex, to: next) + 1
                }
                if next < bytes.endIndex, bytes[next] == UInt8(ascii: "\r") {
                    let afterCR = bytes.index(after: next)
                    if afterCR < bytes.endIndex, bytes[afterCR] == UInt8(ascii: "\n") {
                        return bytes.distance(from: view.startIndex, to: afterCR) + 1
                    }
                }
                index = next
            }
            return nil
        }
    }
}
