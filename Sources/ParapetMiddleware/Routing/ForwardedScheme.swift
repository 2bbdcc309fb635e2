import HTTPTypes
import ParapetCore

/// Whether the client reached the edge over HTTPS.
///
/// The server rewrites `X-Forwarded-Proto` by the trusted-proxy rules before any middleware runs, so
/// its value is trustworthy here: the scheme of this connection for a direct client, the original
/// client's scheme (the first of a list) behind a trusted proxy. A value other than `http` or `https`,
/// or none, falls back to this connection's own security.
enum ForwardedScheme {
    static func isHTTPS(_ request: Request, context: RequestContext) -> Bool {
        guard let value = request.headerFields[.xForwardedProto] else { return context.connection.isSecure }
        let first = value.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        switch first.trimmingWhitespace.lowercased() {
        case "https": return true
        case "http": return false
        default: return context.connection.isSecure
        }
    }
}
