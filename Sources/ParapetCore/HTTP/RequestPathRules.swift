/// How request paths are normalized before anything routes or forwards them, and which spellings are
/// refused with `400 Bad Request` because servers behind a proxy disagree on what they mean.
///
/// A server applies its rules (``ServerConfiguration/pathRules``) to every request before the first
/// middleware runs, and every part of Parapet that reads a path (``ChainEnvironment/pathRules``) uses
/// the same ones, so what a `Location`, `Router` or `MatchBlock` matched is exactly what `Upstream`
/// forwards. The normal form, close to Envoy's `normalize_path` and `merge_slashes`:
///
/// | spelling | normal form |
/// |---|---|
/// | escaped unreserved characters (`%61`, `%2e`, `%7E`) | decoded (`a`, `.`, `~`), so `/%2e%2e/` is a `..` segment |
/// | any other escape (`%c3%a9`, `%3F`, `%25`) | kept, hex in upper case (`%C3%A9`); `%252F` stays `%252F`, never `/` |
/// | a byte that cannot stand in a path (space, `"`, `{`, non-ASCII) | escaped (`%20`) |
/// | `//` | one `/` |
/// | `.` and `..` segments | resolved (RFC 3986 §5.2.4), never above `/`; a trailing one leaves a trailing `/` |
/// | the query | untouched |
///
/// Refused, always: a `%` that does not start a two-digit hex escape, a NUL (`%00`), an overlong UTF-8
/// sequence (`%C0%AF`, `%E0%80%AE`: no valid encoding, only ever used to smuggle `/` or `.`), and a dot
/// segment with parameters (`..;x`), which Tomcat and Jetty resolve as `..`.
///
/// Refused by default, data when allowed (see ``Treatment``): an encoded slash or backslash (`%2F`,
/// `%5C`) or a raw backslash, which some servers decode into separators and others do not; and a `;` in
/// the path, which Java servers strip with what follows (`/admin;x=y` is `/admin` to Tomcat, a different
/// segment to most others). Trailing dots and spaces in a segment (`/admin.`) are data: a different
/// segment, as in nginx and Envoy.
///
/// ```swift
/// var configuration = ServerConfiguration.general
/// configuration.pathRules.encodedSlashes = .keepAsData   // serve /files/a%2Fb as one segment
/// ```
public struct RequestPathRules: Sendable, Equatable {
    /// What happens to a request whose path holds an ambiguous spelling.
    public enum Treatment: Sendable, Equatable {
        /// The request is answered `400 Bad Request`.
        case reject
        /// The spelling is data inside its segment — never a separator — in matching and forwarding
        /// alike; it is forwarded as it is normalized (`%2F`, `%5C`, `;`). Only safe when every origin
        /// behind the proxy treats it as data too.
        case keepAsData
    }

    /// `%2F`, `%5C` (in either case) and a raw `\`. Default ``Treatment/reject``.
    public var encodedSlashes: Treatment
    /// A raw `;` in the path (an escaped `%3B` is always data). Default ``Treatment/reject``.
    public var semicolons: Treatment

    /// The default: both ambiguous spellings are refused.
    public static let strict = RequestPathRules(encodedSlashes: .reject, semicolons: .reject)

    /// Creates rules; ``strict`` unless a treatment is given.
    public init(encodedSlashes: Treatment = .reject, semicolons: Treatment = .reject) {
        self.encodedSlashes = encodedSlashes
        self.semicolons = semicolons
    }
}

/// Why a request path was refused (see ``RequestPathRules``); the description names the problem.
public enum RequestPathRejection: Error, Equatable, Sendable, CustomStringConvertible {
    /// `%2F`, `%5C` or a raw `\` under ``RequestPathRules/Treatment/reject``.
    case encodedSlash
    /// A raw `;` under ``RequestPathRules/Treatment/reject``.
    case semicolon
    /// A `.` or `..` segment followed by `;` parameters.
    case dotSegmentWithParameters
    /// A `%` not followed by two hex digits.
    case invalidEscape
    /// A NUL byte, raw or `%00`.
    case nul
    /// An overlong UTF-8 sequence.
    case overlongUTF8
    /// A target that is neither a path starting with `/` nor `*`: an HTTP/2 `:path` of `admin` would match
    /// no route yet be forwarded as `/admin`.
    case notOriginForm

    public var description: String {
        switch self {
        case .encodedSlash: "the path holds an encoded slash or backslash (%2F, %5C) or a backslash"
        case .semicolon: "the path holds a ; (path parameters are refused)"
        case .dotSegmentWithParameters: "the path holds a dot segment with parameters (..;)"
        case .invalidEscape: "the path holds a % that does not start a two-digit hex escape"
        case .nul: "the path holds a NUL byte"
        case .overlongUTF8: "the path holds an overlong UTF-8 sequence"
        case .notOriginForm: "the request target is not a path starting with / (nor * for OPTIONS)"
        }
    }
}
