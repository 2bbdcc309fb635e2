import HTTPTypes
public import ParapetCore

extension Upstream {
    /// Decides whether a client's request may be sent again after a failed exchange.
    ///
    /// Whatever the policy says, a request whose body cannot be replayed (a stream, read by the first
    /// attempt) is never retried; buffer it first (``ParapetCore/HTTPBody/buffered(upTo:)``) to make it
    /// retryable.
    public typealias RetryPolicy = @Sendable (Request) -> Bool

    /// The default ``RetryPolicy``: the method is `GET`, `HEAD`, `OPTIONS` or `TRACE`, and the body is
    /// known to be empty or is replayable.
    ///
    /// ```swift
    /// // Also retry idempotent PUTs and DELETEs:
    /// let options = Upstream.Options(retryPolicy: { request in
    ///     [.put, .delete].contains(request.method) || Upstream.defaultRetryPolicy(request)
    /// })
    /// ```
    public static let defaultRetryPolicy: RetryPolicy = { request in
        [.get, .head, .options, .trace].contains(request.method)
            && (request.body.isKnownEmpty || request.body.isReplayable)
    }

    /// How an ``Upstream`` rewrites, retries and reports; the defaults are those of the Go original.
    ///
    /// The options are checked when the chain is built: a value that cannot work makes
    /// ``Upstream/wrap(_:in:)`` throw a ``ParapetCore/ConfigurationError`` naming the field.
    ///
    /// ```swift
    /// let options = Upstream.Options(path: "/api?key=1", host: "backend.internal", retries: 2)
    /// server.use(Upstream(balancer, options))
    /// ```
    public struct Options: PolicyBackedOptions, Sendable {
        /// Where requests go and how often they are retried; its fields read and write through the options
        /// too (`options.retries`).
        public var policy: Policy
        /// Which requests may be retried; see ``Upstream/defaultRetryPolicy``.
        public var retryPolicy: RetryPolicy
        /// Called once per attempt, synchronously, when its response head or error arrived.
        public var onRoundTrip: (@Sendable (RoundTripInfo) -> Void)?

        /// Creates options; every argument has the Go original's default.
        public init(
            path: String = Policy().path,
            host: String? = Policy().host,
            retries: Int = Policy().retries,
            backoff: Duration = Policy().backoff,
            retryPolicy: @escaping RetryPolicy = Upstream.defaultRetryPolicy,
            scheme: String = Policy().scheme,
            onRoundTrip: (@Sendable (RoundTripInfo) -> Void)? = nil
        ) {
            self.init(
                policy: Policy(path: path, host: host, retries: retries, backoff: backoff, scheme: scheme),
                retryPolicy: retryPolicy, onRoundTrip: onRoundTrip)
        }

        /// Creates options around `policy` — one decoded from a configuration file, say.
        public init(
            policy: Policy,
            retryPolicy: @escaping RetryPolicy = Upstream.defaultRetryPolicy,
            onRoundTrip: (@Sendable (RoundTripInfo) -> Void)? = nil
        ) {
            self.policy = policy
            self.retryPolicy = retryPolicy
            self.onRoundTrip = onRoundTrip
        }
    }
}

extension Upstream.Options {
    /// The plain values of ``Upstream/Options``: where requests go and how often they are retried.
    ///
    /// ```yaml
    /// {path: /api, host: backend.internal, retries: 2, backoff: 20ms}
    /// ```
    public struct Policy: Sendable, Hashable, Codable {
        /// The path every proxied path is joined under, optionally with a query placed before the
        /// client's: `/api?key=1` sends `/users?page=2` as `/api/users?key=1&page=2`. It must be an
        /// absolute path (start with `/`), without a fragment, spaces or non-ASCII characters.
        public var path: String
        /// The `Host` (authority) sent upstream; `nil` forwards the client's.
        public var host: String?
        /// The most extra attempts after a failed exchange; `0` disables retrying.
        public var retries: Int
        /// The wait before the first retry; each further retry waits twice as long (50, 100, 200 ms).
        /// At most one hour.
        public var backoff: Duration
        /// The scheme of the outgoing request, e.g. `http` or `https`.
        public var scheme: String

        /// Creates a policy; every field defaults to the Go original's value.
        public init(
            path: String = "/", host: String? = nil, retries: Int = 3, backoff: Duration = .milliseconds(50),
            scheme: String = "http"
        ) {
            self.path = path
            self.host = host
            self.retries = retries
            self.backoff = backoff
            self.scheme = scheme
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case path, host, retries, backoff, scheme }

        /// Decodes the fields present; the others keep their defaults.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Policy()
            path = try container.decodeIfPresent(String.self, forKey: .path) ?? defaults.path
            host = try container.decodeIfPresent(String.self, forKey: .host) ?? defaults.host
            retries = try container.decodeIfPresent(Int.self, forKey: .retries) ?? defaults.retries
            backoff = try container.decodeDurationIfPresent(.backoff) ?? defaults.backoff
            scheme = try container.decodeIfPresent(String.self, forKey: .scheme) ?? defaults.scheme
        }

        /// Encodes every field, durations as text.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encodeIfPresent(host, forKey: .host)
            try container.encode(retries, forKey: .retries)
            try container.encodeDuration(backoff, forKey: .backoff)
            try container.encode(scheme, forKey: .scheme)
        }

        /// Checks every field, as ``validated()`` does, for a policy checked before it is used.
        package func check() throws(ConfigurationError) {
            _ = try validated()
        }

        /// Checks every field and returns the parsed ``path``.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` naming the first bad field.
        func validated() throws(ConfigurationError) -> UpstreamPath {
            let path = try UpstreamPath(validating: path)
            if let host, host.isEmpty || !host.utf8.allSatisfy(Self.isAuthorityByte) {
                throw .invalidValue(
                    field: "host",
                    reason: "\"\(host)\" is not a host[:port]: it must be non-empty ASCII without spaces, /, ?, # or @")
            }
            guard retries >= 0 else {
                throw .invalidValue(field: "retries", reason: "\(retries) is negative; use 0 to disable retrying")
            }
            guard backoff >= .zero, backoff <= .seconds(3_600) else {
                throw .invalidValue(field: "backoff", reason: "\(backoff) is not between zero and one hour")
            }
            guard let first = scheme.utf8.first, Self.isLetter(first), scheme.utf8.allSatisfy(Self.isSchemeByte) else {
                throw .invalidValue(field: "scheme", reason: "\"\(scheme)\" is not a URI scheme such as http or https")
            }
            return path
        }

        private static func isAuthorityByte(_ byte: UInt8) -> Bool {
            byte > 0x20 && byte < 0x7F && !"/?#@".utf8.contains(byte)
        }

        private static func isLetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }

        private static func isSchemeByte(_ byte: UInt8) -> Bool {
            isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "+-.".utf8.contains(byte)
        }
    }
}
