import HTTPTypes
import ParapetCore

/// The header fields that describe one connection rather than the message (RFC 9110 §7.6.1), which the
/// proxy removes in both directions: `Connection`, `Keep-Alive`, `Proxy-Connection`, `Proxy-Authenticate`,
/// `Proxy-Authorization`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`, and every field `Connection`
/// names.
///
/// Three exceptions keep the exchange working: `TE: trailers` is forwarded (gRPC needs it); an upgrade
/// request keeps `Connection: upgrade` and its `Upgrade`, and so does the `101` answering it. A
/// `Connection` token naming `X-Forwarded-For`, `X-Real-IP` or `X-Forwarded-Proto` is ignored: those
/// fields were set by the server's trusted-proxy rules, and a client must not be able to strip them.
///
/// ```swift
/// let fields: HTTPFields = [.connection: "close, X-Secret", HTTPField.Name("X-Secret")!: "1", .accept: "*/*"]
/// HopByHopHeaders.requestFields(fields, upgrade: nil)   // [Accept: */*]
/// ```
enum HopByHopHeaders {
    /// The fixed hop-by-hop field names.
    static let names: Set<HTTPField.Name> = Set(
        [.connection, .proxyAuthenticate, .proxyAuthorization, .te, .trailer, .transferEncoding, .upgrade]
            + ["Keep-Alive", "Proxy-Connection"].compactMap { HTTPField.Name($0) })

    /// Fields the server's trusted-proxy rules own, which a `Connection` token cannot remove.
    static let forwardingNames: [HTTPField.Name] = [.xForwardedFor, .xRealIP, .xForwardedProto]

    /// The fields sent upstream for a client's request `fields`.
    static func requestFields(_ fields: HTTPFields, upgrade: ProtocolUpgrade?) -> HTTPFields {
        var forwarded = removingHopByHop(from: fields)
        if fields.tokens(.te).contains("trailers") {
            forwarded[.te] = "trailers"
        }
        if let upgrade {
            forwarded[.connection] = "upgrade"
            forwarded[.upgrade] = upgrade.protocols
        }
        return forwarded
    }

    /// The fields returned to the client for an upstream response with `status` and `fields`.
    static func responseFields(_ fields: HTTPFields, status: HTTPResponse.Status) -> HTTPFields {
        var returned = removingHopByHop(from: fields)
        if status == .switchingProtocols, let protocols = fields[.upgrade] {
            returned[.connection] = "upgrade"
            returned[.upgrade] = protocols
        }
        return returned
    }

    /// `fields` without the fixed hop-by-hop fields and those its `Connection` names.
    static func removingHopByHop(from fields: HTTPFields) -> HTTPFields {
        let nominated = fields.tokens(.connection).compactMap { HTTPField.Name($0) }
            .filter { !forwardingNames.contains($0) }
        var kept = fields
        kept.removeAll { names.contains($0.name) || nominated.contains($0.name) }
        return kept
    }
}
