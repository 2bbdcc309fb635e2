import NIOHTTP1
import ParapetCore

/// What an HTTP/1.1 upstream exchange sends: the request head and, for a protocol upgrade, the client's
/// bytes for after the switch.
struct UpstreamHTTP1Request: Sendable {
    /// The request head.
    var head: HTTPRequestHead
    /// The client's side of the tunnel, sent once the upstream answers `101 Switching Protocols`; `nil`
    /// unless the request asks to switch protocols.
    var upgradedInbound: HTTPBody?

    /// Whether the head asks to switch protocols (`Connection: upgrade`).
    var asksToUpgrade: Bool {
        head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
    }
}
