import HTTPTypes

/// A client's request to switch protocols (WebSocket, h2c): `Connection` lists `upgrade` and `Upgrade`
/// names the protocols offered.
///
/// The proxy forwards such a request with `Connection: upgrade` and its `Upgrade` intact; the transport
/// tunnels the bytes once the upstream answers `101 Switching Protocols`.
///
/// ```swift
/// let upgrade = ProtocolUpgrade(requestFields: [.connection: "Upgrade", .upgrade: "websocket"])
/// upgrade?.protocols   // "websocket"
/// ```
struct ProtocolUpgrade: Sendable, Equatable {
    /// The `Upgrade` value the client sent, e.g. `websocket`.
    let protocols: String

    /// The upgrade `fields` ask for, or `nil` when they ask for none.
    init?(requestFields fields: HTTPFields) {
        guard fields.tokens(.connection).contains("upgrade"), let protocols = fields[.upgrade], !protocols.isEmpty
        else { return nil }
        self.protocols = protocols
    }

    /// Whether a `101 Switching Protocols` with `fields` switched to protocols the client offered.
    func accepts(_ fields: HTTPFields) -> Bool {
        let offered = HTTPFields([HTTPField(name: .upgrade, value: protocols)]).tokens(.upgrade)
        let chosen = fields.tokens(.upgrade)
        return !chosen.isEmpty && chosen.allSatisfy(offered.contains)
    }
}

extension UpstreamRequest {
    /// Whether the request switches protocols: it carries the client's upgraded byte stream, or its
    /// `Connection` field lists `upgrade`. Such a request has one single-use byte stream and must never be
    /// sent twice at once.
    var isProtocolUpgrade: Bool {
        upgradedInbound != nil || head.headerFields.tokens(.connection).contains("upgrade")
    }
}
