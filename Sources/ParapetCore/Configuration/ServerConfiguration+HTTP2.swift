extension ServerConfiguration {
    /// The limits every HTTP/2 connection runs under, the same in every profile.
    ///
    /// A single HTTP/2 connection multiplexes many requests, so the costs a client can impose on it are
    /// bounded per connection: how many requests run at once, how large one request's header list may be,
    /// and how often a client may cancel streams (the "rapid reset" attack, CVE-2023-44487, opens and
    /// cancels streams in a loop so that every one starts server work).
    ///
    /// | limit | default | for comparison |
    /// |---|---|---|
    /// | ``maxConcurrentStreams`` | 100 (was 256) | nginx 128, Go 250, RFC 9113's floor 100 |
    /// | ``maxHeaderListSize`` | 64 KiB (was ``ServerConfiguration/maxHeaderBytes``, 1 MiB) | Envoy 60 KiB, nginx 32 KiB |
    /// | ``maxResetStreams`` per ``resetStreamWindow`` | 200 per 30 s | swift-nio-http2's defaults |
    ///
    /// The connection's ``ServerConfiguration/idleTimeout`` applies to HTTP/2 too: a connection with no open
    /// stream, or with open streams but no frame in either direction, is sent `GOAWAY` and closed once it has
    /// been idle that long (before, a connection with an open stream was never closed for idleness).
    ///
    /// ```swift
    /// var configuration = ServerConfiguration.frontend
    /// configuration.http2.maxConcurrentStreams = 250
    /// ```
    public struct HTTP2Limits: Sendable, Equatable {
        /// `SETTINGS_MAX_CONCURRENT_STREAMS`: how many requests a client may have in flight on one connection.
        /// A stream opened beyond it is refused (`RST_STREAM` with `REFUSED_STREAM`), which clients retry.
        public var maxConcurrentStreams: Int
        /// `SETTINGS_MAX_HEADER_LIST_SIZE`, in bytes as RFC 9113 counts them (name, value and 32 per field).
        /// A larger header block is a connection error: swift-nio-http2 answers `GOAWAY` and the connection
        /// closes, as RFC 9113 §10.5.1 permits.
        public var maxHeaderListSize: Int
        /// How many `RST_STREAM` frames a client may send within ``resetStreamWindow``; one more is answered
        /// with `GOAWAY` (`ENHANCE_YOUR_CALM`) and the connection closes.
        public var maxResetStreams: Int
        /// The sliding window ``maxResetStreams`` is counted over.
        public var resetStreamWindow: Duration

        /// The limits every profile starts with (see the table above).
        public init(
            maxConcurrentStreams: Int = 100,
            maxHeaderListSize: Int = 64 << 10,
            maxResetStreams: Int = 200,
            resetStreamWindow: Duration = .seconds(30)
        ) {
            self.maxConcurrentStreams = maxConcurrentStreams
            self.maxHeaderListSize = maxHeaderListSize
            self.maxResetStreams = maxResetStreams
            self.resetStreamWindow = resetStreamWindow
        }

        /// Checks that every limit can work.
        func check(_ check: inout ConfigurationCheck) {
            let counts = [
                ("http2.maxConcurrentStreams", maxConcurrentStreams), ("http2.maxHeaderListSize", maxHeaderListSize),
                ("http2.maxResetStreams", maxResetStreams),
            ]
            for (field, value) in counts { check.within(1...Int(Int32.max), value, field) }
            check.positive(resetStreamWindow, "http2.resetStreamWindow")
        }
    }
}
