import ParapetCore

extension ConnectionTimeouts {
    /// The timeout rules of one connection as a pure state machine: given what happened and when, it says
    /// when the connection must be closed if nothing else happens.
    ///
    /// * Waiting for a request: the first request must arrive within `readHeader` (or `idle`); later ones
    ///   within `idle` (or `readHeader`) of the previous response.
    /// * Reading a request head: once its first byte arrives, the head must be complete within
    ///   `readHeader` (or `read`) — this closes slow-loris clients.
    /// * Reading a body: the whole request must be read within `read` of its first byte, and no more than
    ///   `bodyIdle` may pass without a byte while the server is reading it (not while it has paused reading);
    ///   the rest of a body nobody reads, dropped after the response, is bounded by `bodyIdle` (or `idle`) too.
    /// * Answering: the response must be written within `write` of the request head.
    /// * HTTP/2: the connection is closed after `idle` with no open stream, or with open streams but no frame
    ///   read or written.
    /// * A tunnel (after `101 Switching Protocols`): closed once no byte has moved either way for
    ///   `tunnelIdle`.
    ///
    /// Instants are durations on any monotonic timeline; the NIO handler feeds it event-loop time.
    ///
    /// ```swift
    /// var deadlines = ConnectionTimeouts.StateMachine(limits: limits, now: .zero)
    /// deadlines.bytesArrived(at: .milliseconds(5))
    /// deadlines.deadline   // .milliseconds(5) + limits.readHeader
    /// ```
    struct StateMachine: Equatable {
        /// The configured limits; `nil` means none.
        struct Limits: Equatable {
            var readHeader: Duration?
            var read: Duration?
            var write: Duration?
            var idle: Duration?
            var tunnelIdle: Duration?
            var bodyIdle: Duration?
        }

        private enum Phase: Equatable {
            /// No request in progress: since when, and whether any request was served before.
            case waiting(since: Duration, isFirst: Bool)
            /// A head is being read, from its first byte.
            case readingHead(since: Duration)
            /// Head received; body (maybe) still being read, response not finished. `bodyWaitSince` is when
            /// the server last got a body byte or went back to reading; `nil` once the body is complete or
            /// while the server does not read.
            case exchanging(firstByte: Duration, head: Duration, isRequestComplete: Bool, bodyWaitSince: Duration?)
            /// The response is complete and the rest of the request body is read and dropped; its last byte
            /// arrived at `lastByte`.
            case discardingBody(lastByte: Duration)
            /// HTTP/2: a count of open streams, and since when none has been open or, with streams open, since
            /// the last frame.
            case multiplexing(openStreams: Int, idleSince: Duration)
            /// The connection switched protocols and carries raw bytes; the last byte moved at `lastActivity`.
            case tunnelling(lastActivity: Duration)
        }

        let limits: Limits
        private var phase: Phase

        /// A new connection accepted at `now`.
        init(limits: Limits, now: Duration) {
            self.limits = limits
            self.phase = .waiting(since: now, isFirst: true)
        }

        /// The instant the connection must be closed at, or `nil` while no limit applies.
        var deadline: Duration? {
            switch phase {
            case .waiting(let since, let isFirst):
                let limit = isFirst ? (limits.readHeader ?? limits.idle) : (limits.idle ?? limits.readHeader)
                return limit.map { since + $0 }
            case .readingHead(let since):
                return (limits.readHeader ?? limits.read).map { since + $0 }
            case .exchanging(let firstByte, let head, let isRequestComplete, let bodyWaitSince):
                // Computed on every read the connection makes: no array, so no allocation.
                let read = isRequestComplete ? nil : limits.read.map { firstByte + $0 }
                let write = limits.write.map { head + $0 }
                let bodyIdle = bodyWaitSince.flatMap { since in limits.bodyIdle.map { since + $0 } }
                return Self.earliest(Self.earliest(read, write), bodyIdle)
            case .discardingBody(let lastByte):
                return (limits.bodyIdle ?? limits.idle).map { lastByte + $0 }
            case .multiplexing(_, let idleSince):
                return limits.idle.map { idleSince + $0 }
            case .tunnelling(let lastActivity):
                return limits.tunnelIdle.map { lastActivity + $0 }
            }
        }

        private static func earliest(_ first: Duration?, _ second: Duration?) -> Duration? {
            switch (first, second) {
            case let (first?, second?): min(first, second)
            case let (first, second): first ?? second
            }
        }

        /// Bytes arrived from the client.
        mutating func bytesArrived(at now: Duration) {
            switch phase {
            case .waiting: phase = .readingHead(since: now)
            case .tunnelling: phase = .tunnelling(lastActivity: now)
            case .exchanging(let firstByte, let head, let isRequestComplete, let bodyWaitSince) where bodyWaitSince != nil:
                phase = .exchanging(firstByte: firstByte, head: head, isRequestComplete: isRequestComplete, bodyWaitSince: now)
            case .discardingBody: phase = .discardingBody(lastByte: now)
            case .readingHead, .exchanging, .multiplexing: break
            }
        }

        /// Bytes were sent to the client; only a tunnel counts them as activity.
        mutating func bytesSent(at now: Duration) {
            if case .tunnelling = phase { phase = .tunnelling(lastActivity: now) }
        }

        /// A complete request head was parsed. The body's idle deadline starts with ``bodyReading(_:at:)``,
        /// for a request with a body the server reads.
        mutating func requestHeadReceived(at now: Duration) {
            switch phase {
            case .readingHead(let since):
                phase = .exchanging(firstByte: since, head: now, isRequestComplete: false, bodyWaitSince: nil)
            case .waiting:
                phase = .exchanging(firstByte: now, head: now, isRequestComplete: false, bodyWaitSince: nil)
            case .exchanging, .discardingBody, .multiplexing, .tunnelling:
                break
            }
        }

        /// The server stopped (`reading == false`) or went back to (`true`) reading the request body at `now`:
        /// a pause of its own making is no client's stall.
        mutating func bodyReading(_ reading: Bool, at now: Duration) {
            if case .exchanging(let firstByte, let head, false, _) = phase {
                phase = .exchanging(firstByte: firstByte, head: head, isRequestComplete: false, bodyWaitSince: reading ? now : nil)
            }
        }

        /// The request body was read to its end at `now`.
        mutating func requestEnded(at now: Duration) {
            switch phase {
            case .exchanging(let firstByte, let head, _, _):
                phase = .exchanging(firstByte: firstByte, head: head, isRequestComplete: true, bodyWaitSince: nil)
            case .discardingBody:
                phase = .waiting(since: now, isFirst: false)
            case .waiting, .readingHead, .multiplexing, .tunnelling:
                break
            }
        }

        /// The response was written to its end; the connection waits for the next request, or first for the
        /// rest of this one's body.
        mutating func responseEnded(at now: Duration) {
            guard case .exchanging(_, _, let isRequestComplete, let bodyWaitSince) = phase else { return }
            phase = isRequestComplete ? .waiting(since: now, isFirst: false) : .discardingBody(lastByte: bodyWaitSince ?? now)
        }

        /// The connection switched protocols (`101`) at `now`: it carries raw bytes until it falls silent.
        mutating func tunnelOpened(at now: Duration) {
            phase = .tunnelling(lastActivity: now)
        }

        /// The connection now speaks HTTP/2; only the idle rule applies from here on.
        mutating func switchedToHTTP2(at now: Duration) {
            phase = .multiplexing(openStreams: 0, idleSince: now)
        }

        /// An HTTP/2 stream opened at `now`.
        mutating func streamOpened(at now: Duration) {
            if case .multiplexing(let open, _) = phase { phase = .multiplexing(openStreams: open + 1, idleSince: now) }
        }

        /// HTTP/2 frames were read or written at `now`: with a stream open, the connection is not idle. With none
        /// open it stays idle, so a client cannot keep an unused connection by sending `PING`s.
        mutating func framesExchanged(at now: Duration) {
            if case .multiplexing(let open, _) = phase, open > 0 {
                phase = .multiplexing(openStreams: open, idleSince: now)
            }
        }

        /// An HTTP/2 stream closed at `now`.
        mutating func streamClosed(at now: Duration) {
            if case .multiplexing(let open, let since) = phase {
                let remaining = max(open - 1, 0)
                phase = .multiplexing(openStreams: remaining, idleSince: remaining == 0 ? now : since)
            }
        }
    }
}

extension ConnectionTimeouts.StateMachine.Limits {
    /// The limits `configuration` sets for every connection.
    init(_ configuration: ServerConfiguration) {
        self.init(
            readHeader: configuration.readHeaderTimeout,
            read: configuration.readTimeout,
            write: configuration.writeTimeout,
            idle: configuration.idleTimeout,
            tunnelIdle: configuration.tunnelIdleTimeout,
            bodyIdle: configuration.bodyIdleTimeout
        )
    }
}
