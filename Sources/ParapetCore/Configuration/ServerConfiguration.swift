/// How a server listens, times out, shuts down and whom it trusts, in one value.
///
/// Start from the profile for the server's role and adjust:
///
/// | profile | for | notable defaults |
/// |---|---|---|
/// | ``general`` | behind another proxy | trusts private and loopback peers, 620 s idle timeout, 60 s header timeout |
/// | ``frontend`` | internet-facing edge | read/write timeouts, 10 s header timeout, trusts nobody |
/// | ``backend`` | internal service behind Parapet | as ``general``, plus h2c |
///
/// Every profile bounds what an idle or slow client can hold: a request head must arrive within
/// ``readHeaderTimeout``, a request body may not stall for longer than ``bodyIdleTimeout``, a silent upgraded
/// tunnel closes after ``tunnelIdleTimeout``, and at most ``maxConnections`` connections are open at once.
///
/// ```swift
/// var configuration = ServerConfiguration.frontend
/// configuration.port = 8443
/// configuration.readHeaderTimeout = .seconds(5)
/// ```
public struct ServerConfiguration: Sendable, Equatable {
    /// The address to bind: an IP literal or `localhost`.
    public var host: String
    /// The TCP port to bind; `0` picks a free one.
    public var port: Int
    /// Time allowed to read a request's head; `nil` for no limit.
    public var readHeaderTimeout: Duration?
    /// Time allowed to read a whole request, head and body; `nil` for no limit.
    public var readTimeout: Duration?
    /// Time allowed to write a response; `nil` for no limit.
    public var writeTimeout: Duration?
    /// How long an idle keep-alive connection is kept open; `nil` for no limit.
    public var idleTimeout: Duration?
    /// TCP keep-alive probe period for accepted connections; `nil` leaves the system default.
    public var tcpKeepAlive: Duration?
    /// The largest request head accepted; larger ones get `431`.
    public var maxHeaderBytes: Int
    /// How long in-flight requests may run once shutdown starts draining.
    public var graceTimeout: Duration
    /// How long to keep serving after shutdown begins, so load balancers notice readiness failing.
    public var waitBeforeShutdown: Duration
    /// Peers whose forwarding headers are believed.
    public var trustedProxies: TrustedProxies
    /// Whether cleartext HTTP/2 (h2c) is served beside HTTP/1.1.
    public var allowsH2C: Bool
    /// Whether the listening socket sets `SO_REUSEPORT`, so several servers can bind one port.
    public var reusePort: Bool
    /// The limits of each HTTP/2 connection: concurrent streams, header list size and stream resets.
    public var http2: HTTP2Limits

    /// How request paths are normalized before the chain runs, and which ambiguous spellings (`%2F`,
    /// `%5C`, `;`) are refused with `400`: ``RequestPathRules/strict`` in every profile. New in this
    /// version — earlier versions matched on a fully decoded path and forwarded the path as sent.
    public var pathRules: RequestPathRules = .strict
    /// How long an upgraded connection (a `101 Switching Protocols` tunnel, such as a WebSocket) may
    /// stay silent in both directions before it is closed; `nil` for no limit. Like nginx's
    /// `proxy_read_timeout` or HAProxy's `timeout tunnel`; the upgraded protocol's own pings count as
    /// traffic. Defaults: 620 s under ``general`` and ``backend`` (as long as an idle keep-alive
    /// connection, so a load balancer in front gives up first), 300 s under ``frontend``.
    /// Before this setting existed a tunnel had no deadline at all.
    public var tunnelIdleTimeout: Duration?
    /// How long a request body the server is reading may go without a byte arriving before the connection
    /// is closed; `nil` for no limit. Like nginx's `client_body_timeout`: it bounds each pause, not the
    /// whole upload (``readTimeout`` does that), and it does not run while the server itself stops reading
    /// (its handler is behind, or the client awaits `100 Continue`). 60 s in every profile; before this
    /// setting existed a body that stalled under ``general`` or ``backend`` held its connection forever.
    /// HTTP/1 only: an HTTP/2 stream that stalls is bounded by the connection's idle deadline.
    public var bodyIdleTimeout: Duration?
    /// The most connections the server holds open at once; `nil` for no cap. A connection accepted at the
    /// cap is closed at once, and one warning is logged each time the cap is reached (not one per
    /// connection). 10,000 in every profile; keep it within the process's open-file limit
    /// (`ulimit -n`), remembering that a proxied request also needs a socket to its upstream.
    public var maxConnections: Int?

    /// The general-purpose profile, for a server behind another proxy: trusts private and loopback peers,
    /// read-header timeout 60 s (nginx's `client_header_timeout`; before, a head had no deadline once
    /// its first byte arrived), body idle timeout 60 s, idle timeout 620 s, tunnel idle timeout 620 s, at
    /// most 10,000 connections, TCP keep-alive 3 min, no read or write timeouts, grace 30 s, wait 10 s.
    public static let general = ServerConfiguration(
        readHeaderTimeout: .seconds(60),
        readTimeout: nil,
        writeTimeout: nil,
        idleTimeout: .seconds(620),
        tcpKeepAlive: .seconds(180),
        trustedProxies: .privateAndLoopback,
        allowsH2C: false,
        tunnelIdleTimeout: .seconds(620)
    )

    /// The edge profile, for an internet-facing server: read-header timeout 10 s, read and write
    /// timeouts 1 min, body idle timeout 60 s, idle timeout 75 s, tunnel idle timeout 300 s, at most 10,000 connections,
    /// TCP keep-alive 60 s, grace 30 s, wait 10 s, trusts nobody.
    public static let frontend = ServerConfiguration(
        readHeaderTimeout: .seconds(10),
        readTimeout: .seconds(60),
        writeTimeout: .seconds(60),
        idleTimeout: .seconds(75),
        tcpKeepAlive: .seconds(60),
        trustedProxies: .none,
        allowsH2C: false,
        tunnelIdleTimeout: .seconds(300)
    )

    /// The backend profile, for an internal service behind Parapet: ``general`` with h2c enabled.
    public static let backend: ServerConfiguration = {
        var configuration = general
        configuration.allowsH2C = true
        return configuration
    }()

    private init(
        readHeaderTimeout: Duration?,
        readTimeout: Duration?,
        writeTimeout: Duration?,
        idleTimeout: Duration?,
        tcpKeepAlive: Duration?,
        trustedProxies: TrustedProxies,
        allowsH2C: Bool,
        tunnelIdleTimeout: Duration?
    ) {
        self.host = "0.0.0.0"
        self.port = 8080
        self.readHeaderTimeout = readHeaderTimeout
        self.readTimeout = readTimeout
        self.writeTimeout = writeTimeout
        self.idleTimeout = idleTimeout
        self.tcpKeepAlive = tcpKeepAlive
        self.maxHeaderBytes = 1 << 20
        self.graceTimeout = .seconds(30)
        self.waitBeforeShutdown = .seconds(10)
        self.trustedProxies = trustedProxies
        self.allowsH2C = allowsH2C
        self.reusePort = false
        self.tunnelIdleTimeout = tunnelIdleTimeout
        self.bodyIdleTimeout = .seconds(60)
        self.maxConnections = 10_000
        self.http2 = HTTP2Limits()
    }

    /// Sets ``host`` and ``port`` from Go-style listen text: `:8080` (every IPv4 interface),
    /// `127.0.0.1:8080`, `[::1]:8080` or `localhost:8080`.
    ///
    /// - Throws: ``ConfigurationError/invalidValue(field:reason:)`` for `address` when it is not of that form.
    public mutating func bind(to address: String) throws(ConfigurationError) {
        guard let colon = address.lastIndex(of: ":"),
            let port = Int(address[address.index(after: colon)...]), (0...65_535).contains(port)
        else {
            throw .invalidValue(field: "address", reason: "\"\(address)\" is not HOST:PORT, [IPv6]:PORT or :PORT")
        }
        var host = address[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        }
        guard host.isEmpty || host == "localhost" || IPAddress(host) != nil else {
            throw .invalidValue(field: "address", reason: "\"\(host)\" is not an IP address or localhost")
        }
        self.host = host.isEmpty ? "0.0.0.0" : String(host)
        self.port = port
    }

    /// Checks that every value can work.
    ///
    /// - Throws: ``ConfigurationError`` naming every field that cannot.
    public func validate() throws(ConfigurationError) {
        var check = ConfigurationCheck()
        check.require((0...65_535).contains(port), "port", "\(port) is outside 0...65535")
        check.require(!host.isEmpty, "host", "must name an address to bind")
        check.positive(maxHeaderBytes, "maxHeaderBytes")
        if let maxConnections { check.positive(maxConnections, "maxConnections") }
        let durations: [(String, Duration?)] = [
            ("readHeaderTimeout", readHeaderTimeout), ("readTimeout", readTimeout),
            ("writeTimeout", writeTimeout), ("idleTimeout", idleTimeout), ("tcpKeepAlive", tcpKeepAlive),
            ("graceTimeout", graceTimeout), ("waitBeforeShutdown", waitBeforeShutdown),
            ("tunnelIdleTimeout", tunnelIdleTimeout), ("bodyIdleTimeout", bodyIdleTimeout),
        ]
        for (field, duration) in durations { check.nonNegative(duration, field) }
        http2.check(&check)
        try check.result()
    }
}
