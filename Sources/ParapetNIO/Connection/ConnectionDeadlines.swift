import ParapetCore

/// The timeout rules of one connection as a pure state machine: given what happened and when, it says
/// when the connection must be closed if nothing else happens.
///
/// * Waiting for a request: the first request must arrive within `readHeader` (or `idle`); later ones
///   within `idle` (or `readHeader`) of the previous response.
/// * Reading a request head: once its first byte arrives, the head must be complete within
///   `readHeader` (or `read`) — this closes slow-loris clients.
/// * Reading a body: the whole request must be read within `read` of its first byte.
/// * Answering: the response must be written within `write` of the request head.
/// * HTTP/2: the connection is closed after `idle` with no open stream, or with open streams but no frame
///   read or written.
/// * A tunnel (after `101 Switching Protocols`): closed once no byte has moved either way for
///   `tunnelIdle`.
///
/// Instants are durations on any monotonic timeline; the NIO handler feeds it event-loop time.
///
/// ```swift
/// var deadlines = ConnectionDeadlines(limits: limits, now: .zero)
/// deadlines.bytesArrived(at: .milliseconds(5))
/// deadlines.deadline   // .milliseconds(5) + limits.readHeader
/// ```
struct ConnectionDeadlines: Equatable {
    /// The configured limits; `nil` means none.
    struct Limits: Equatable {
        var readHeader: Duration?
        var read: Duration?
        var write: Duration?
        var idle: Duration?
        var tunnelIdle: Duration?
    }

    private enum Phase: Equatable {
        /// No request in progress: since when, and whether any request was served before.
        case waiting(since: Duration, isFirst: Bool)
        /// A head is being read, from its first byte.
        case readingHead(since: Duration)
        /// Head received; body (maybe) still being read, response not finished.
        case exchanging(firstByte: Duration, head: Duration, isRequestComplete: Bool)
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
        case .exchanging(let firstByte, let head, let isRequestComplete):
            let readDeadline = isRequestComplete ? nil : limits.read.map { firstByte + $0 }
            let writeDeadline = limits.write.map { head + $0 }
            switch (readDeadline, writeDeadline) {
            case let (read?, write?): return min(read, write)
            case let (read, write): return read ?? write
            }
        case .multiplexing(_, let idleSince):
            return limits.idle.map { idleSince + $0 }
        case .tunnelling(let lastActivity):
            return limits.tunnelIdle.map { lastActivity + $0 }
        }
    }

    /// Bytes arrived from the client.
    mutating func bytesArrived(at now: Duration) {
        switch phase {
        case .waiting: phase = .readingHead(since: now)
        case .tunnelling: phase = .tunnelling(lastActivity: now)
        case .readingHead, .exchanging, .multiplexing: break
        }
    }

    /// Bytes were sent to the client; only a tunnel counts them as activity.
    mutating func bytesSent(at now: Duration) {
        if case .tunnelling = phase { phase = .tunnelling(lastActivity: now) }
    }

    /// A complete request head was parsed.
    mutating func requestHeadReceived(at now: Duration) {
        switch phase {
        case .readingHead(let since):
            phase = .exchanging(firstByte: since, head: now, isRequestComplete: false)
        case .waiting:
            phase = .exchanging(firstByte: now, head: now, isRequestComplete: false)
        case .exchanging, .multiplexing, .tunnelling:
            break
        }
    }

    /// The request body was read to its end.
    mutating func requestEnded() {
        if case .exchanging(let firstByte, let head, _) = phase {
            phase = .exchanging(firstByte: firstByte, head: head, isRequestComplete: true)
        }
    }

    /// The response was written to its end; the connection waits for the next request.
    mutating func responseEnded(at now: Duration) {
        if case .exchanging = phase { phase = .waiting(since: now, isFirst: false) }
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

extension ConnectionDeadlines.Limits {
    /// The limits `configuration` sets for every connection.
    init(_ configuration: ServerConfiguration) {
        self.init(
            readHeader: configuration.readHeaderTimeout,
            read: configuration.readTimeout,
            write: configuration.writeTimeout,
            idle: configuration.idleTimeout,
            tunnelIdle: configuration.tunnelIdleTimeout
        )
    }
}
