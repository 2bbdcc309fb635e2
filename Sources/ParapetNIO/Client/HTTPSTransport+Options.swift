public import NIOSSL
public import ParapetCore

extension HTTPSTransport {
    /// How an ``HTTPSTransport`` connects, verifies and pools; the defaults are the Go original's but
    /// for verification, which is on.
    ///
    /// ```swift
    /// var options = HTTPSTransport.Options()
    /// options.trustRoots = [internalCA]
    /// options.serverName = "api.internal"
    /// ```
    public struct Options: Sendable {
        /// The longest wait for a TCP connection to be established (per address tried).
        public var connectTimeout: Duration
        /// The longest wait for the TLS handshake.
        public var tlsHandshakeTimeout: Duration
        /// The most idle HTTP/1.1 connections kept per target.
        public var maxIdleConnectionsPerTarget: Int
        /// How long a connection may stay idle before it is closed.
        public var idleTimeout: Duration
        /// The longest wait for the response head once the request was written; `nil` waits forever.
        public var responseHeaderTimeout: Duration?
        /// The most HTTP/1.1 connections per target; `nil` for no limit.
        public var maxConnectionsPerTarget: Int?
        /// The most targets that keep connections (default 256), counted apart for HTTP/1.1 and HTTP/2. Past
        /// it, the idle HTTP/1.1 connections of the least recently used target are closed, and its HTTP/2
        /// connections once their open streams end: a bound on the pools a proxy whose clients choose
        /// targets (``ParapetUpstream/TargetFromHost``) holds open.
        public var maxPooledTargets: Int
        /// The certificates trusted as roots; `nil` trusts the system's.
        public var trustRoots: [NIOSSLCertificate]?
        /// The SNI name and the name the upstream's certificate must carry; `nil` uses the target's host.
        public var serverName: String?
        /// Skips certificate verification — for tests and trusted networks only. Off by default (the Go
        /// original skips verification by default; Parapet for Swift does not).
        public var insecureSkipVerify: Bool
        /// Whether ALPN offers `h2` (before `http/1.1`).
        public var offersHTTP2: Bool

        /// Creates options; the defaults are the Go original's, but verification is on.
        public init(
            connectTimeout: Duration = .seconds(5),
            tlsHandshakeTimeout: Duration = .seconds(5),
            maxIdleConnectionsPerTarget: Int = 32,
            idleTimeout: Duration = .seconds(600),
            responseHeaderTimeout: Duration? = .seconds(60),
            maxConnectionsPerTarget: Int? = nil,
            trustRoots: [NIOSSLCertificate]? = nil,
            serverName: String? = nil,
            insecureSkipVerify: Bool = false,
            offersHTTP2: Bool = true,
            maxPooledTargets: Int = 256
        ) {
            self.connectTimeout = connectTimeout
            self.tlsHandshakeTimeout = tlsHandshakeTimeout
            self.maxIdleConnectionsPerTarget = maxIdleConnectionsPerTarget
            self.idleTimeout = idleTimeout
            self.responseHeaderTimeout = responseHeaderTimeout
            self.maxConnectionsPerTarget = maxConnectionsPerTarget
            self.trustRoots = trustRoots
            self.serverName = serverName
            self.insecureSkipVerify = insecureSkipVerify
            self.offersHTTP2 = offersHTTP2
            self.maxPooledTargets = maxPooledTargets
        }

        /// Checks every field.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError`` naming every bad field.
        public func validate() throws(ConfigurationError) {
            var check = ConfigurationCheck()
            HTTPClientTransport.Options(
                connectTimeout: connectTimeout, maxIdleConnectionsPerTarget: maxIdleConnectionsPerTarget,
                idleTimeout: idleTimeout, responseHeaderTimeout: responseHeaderTimeout,
                maxConnectionsPerTarget: maxConnectionsPerTarget, maxPooledTargets: maxPooledTargets
            ).check(&check)
            check.positive(tlsHandshakeTimeout, "tlsHandshakeTimeout")
            if let serverName {
                check.require(
                    !serverName.isEmpty && IPAddress(serverName) == nil, "serverName",
                    "must be a DNS name, not \"\(serverName)\"")
            }
            if let trustRoots {
                check.require(!trustRoots.isEmpty, "trustRoots", "must hold a certificate, or be nil for the system's")
            }
            try check.result()
        }

        /// The NIOSSL client configuration these options describe.
        var tlsConfiguration: TLSConfiguration {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let trustRoots { configuration.trustRoots = .certificates(trustRoots) }
            configuration.certificateVerification = insecureSkipVerify ? .none : .fullVerification
            configuration.applicationProtocols = offersHTTP2 ? ["h2", "http/1.1"] : ["http/1.1"]
            return configuration
        }
    }
}
