public import ParapetCore
import NIOCore

extension HTTPClientTransport {
    /// How an ``HTTPClientTransport`` connects and pools; the defaults are those of the Go original's
    /// `HTTPTransport`.
    ///
    /// ```swift
    /// var options = HTTPClientTransport.Options()
    /// options.responseHeaderTimeout = .seconds(10)
    /// options.maxConnectionsPerTarget = 128
    /// let http = HTTPClientTransport(options: options)
    /// ```
    public struct Options: Sendable, Equatable {
        /// The longest wait for a TCP connection to be established (per address tried).
        public var connectTimeout: Duration
        /// The most idle keep-alive connections kept per target; `0` disables keep-alive reuse.
        public var maxIdleConnectionsPerTarget: Int
        /// How long a connection may stay idle in the pool before it is closed.
        public var idleTimeout: Duration
        /// The longest wait for the response head once the request was written; `nil` waits forever.
        public var responseHeaderTimeout: Duration?
        /// The most connections (in use, idle or opening) per target; `nil` for no limit. Requests beyond
        /// it wait, first come first served, and stop waiting when cancelled.
        public var maxConnectionsPerTarget: Int?
        /// The most targets that keep idle connections (default 256). When one more target parks an idle
        /// connection, the idle connections of the least recently used other target are closed: a bound on
        /// the pools a proxy whose clients choose targets (``ParapetUpstream/TargetFromHost``) holds open.
        public var maxPooledTargets: Int

        /// Creates options; every argument has the Go original's default (but ``maxPooledTargets``, which the
        /// Go original does not have, 256).
        public init(
            connectTimeout: Duration = .seconds(5),
            maxIdleConnectionsPerTarget: Int = 32,
            idleTimeout: Duration = .seconds(600),
            responseHeaderTimeout: Duration? = .seconds(60),
            maxConnectionsPerTarget: Int? = nil,
            maxPooledTargets: Int = 256
        ) {
            self.connectTimeout = connectTimeout
            self.maxIdleConnectionsPerTarget = maxIdleConnectionsPerTarget
            self.idleTimeout = idleTimeout
            self.responseHeaderTimeout = responseHeaderTimeout
            self.maxConnectionsPerTarget = maxConnectionsPerTarget
            self.maxPooledTargets = maxPooledTargets
        }

        /// Checks every field.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError`` naming every bad field.
        public func validate() throws(ConfigurationError) {
            var check = ConfigurationCheck()
            self.check(&check)
            try check.result()
        }

        /// Adds what is wrong with these options to `check`; the HTTPS and h2c options build on it.
        func check(_ check: inout ConfigurationCheck) {
            check.positive(connectTimeout, "connectTimeout")
            check.nonNegative(maxIdleConnectionsPerTarget, "maxIdleConnectionsPerTarget")
            check.positive(idleTimeout, "idleTimeout")
            if let responseHeaderTimeout { check.positive(responseHeaderTimeout, "responseHeaderTimeout") }
            if let maxConnectionsPerTarget {
                check.require(maxConnectionsPerTarget >= 1, "maxConnectionsPerTarget", "must be at least 1, or nil for no limit")
            }
            check.positive(maxPooledTargets, "maxPooledTargets")
        }

        var connectionSettings: UpstreamHTTP1Handler.Settings {
            UpstreamHTTP1Handler.Settings(
                responseHeaderTimeout: responseHeaderTimeout.map { TimeAmount(upstream: $0) },
                idleTimeout: TimeAmount(upstream: idleTimeout))
        }
    }
}
