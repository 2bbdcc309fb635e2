import Crypto
public import ParapetCore

/// Authenticates requests with HTTP Basic credentials (RFC 7617), answering `401` with
/// `WWW-Authenticate: Basic realm="…", charset="UTF-8"` when they are missing or wrong. The
/// `Authorization` field is removed before the request goes on; the user rides on the request context
/// (``ParapetCore/RequestContext/basicAuthUser``) and the access log (`subject`).
///
/// ```swift
/// server.use(BasicAuth.users(["admin": adminPassword]))
/// server.use(BasicAuth.htpasswd(try Htpasswd(parsing: fileText)))
/// server.use(BasicAuth { user, password in await directory.check(user, password) })
/// ```
public struct BasicAuth: Middleware {
    /// Decides whether a user and password are valid.
    public typealias Verifier = @Sendable (_ user: String, _ password: String) async -> Bool

    /// What happened to one request, for metrics.
    public enum Outcome: Sendable, Equatable {
        case accepted(user: String)
        /// No `Authorization: Basic` field.
        case missingCredentials
        /// Credentials that are not base64 of UTF-8 `user:password`.
        case malformedCredentials
        /// The verifier refused them.
        case wrongCredentials(user: String)
    }

    /// The realm, error format and observer.
    public struct Options: Sendable {
        /// The realm in `WWW-Authenticate`: printable ASCII without `"` or `\`.
        public var realm: String
        /// Whether error answers are JSON rather than plain text.
        public var errorFormat: ErrorFormat
        /// Hears every outcome; `nil` by default.
        public var observe: (@Sendable (Outcome) -> Void)?

        /// Creates options.
        public init(
            realm: String = "parapet", errorFormat: ErrorFormat = .text, observe: (@Sendable (Outcome) -> Void)? = nil
        ) {
            self.realm = realm
            self.errorFormat = errorFormat
            self.observe = observe
        }
    }

    /// Checks credentials.
    public let verify: Verifier
    /// The realm, error format and observer.
    public let options: Options

    /// An authenticator asking `verify`.
    public init(options: Options = Options(), verify: @escaping Verifier) {
        self.verify = verify
        self.options = options
    }

    /// An authenticator for a fixed table of users and passwords, compared by SHA-256 digest in constant
    /// time, so neither where a guess differs nor how long the password is shows in the answer's timing.
    public static func users(_ users: [String: String], options: Options = Options()) -> BasicAuth {
        let table = users.map { (SHA256.hash(data: Array($0.key.utf8)), SHA256.hash(data: Array($0.value.utf8))) }
        return BasicAuth(options: options) { user, password in
            let userDigest = SHA256.hash(data: Array(user.utf8))
            let passwordDigest = SHA256.hash(data: Array(password.utf8))
            var matched = false
            for (knownUser, knownPassword) in table {
                let both =
                    ConstantTime.digestsEqual(knownUser, userDigest)
                    && ConstantTime.digestsEqual(knownPassword, passwordDigest)
                matched = matched || both
            }
            return matched
        }
    }

    /// An authenticator for the users of an htpasswd file.
    public static func htpasswd(_ file: Htpasswd, options: Options = Options()) -> BasicAuth {
        BasicAuth(options: options) { user, password in file.verify(user: user, password: password) }
    }

    /// Checks the realm and returns the authenticating handler in front of `next`.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError`` for a realm that cannot be quoted.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var check = ConfigurationCheck()
        check.require(
            isQuotable(options.realm), "BasicAuth.Options.realm",
            "must be printable ASCII without '\"' or '\\', got \"\(options.realm)\"")
        try check.result()
        return BasicAuthHandler(next: next, verify: verify, options: options)
    }

    /// The key the authenticated user is stored under in ``ParapetCore/RequestValues``.
    public enum UserKey: RequestValueKey {
        public typealias Value = String
    }
}

extension RequestContext {
    /// The user a ``BasicAuth`` outside the caller authenticated.
    public var basicAuthUser: String? {
        values[BasicAuth.UserKey.self]
    }
}
