import HTTPTypes
import ParapetCore

extension UpstreamRequest {
    /// The request the proxy sends for a client's `request`: built once, before the first attempt, so a
    /// retry never applies the path prefix or the target query a second time.
    ///
    /// - The request target is `target`, the client's as ``UpstreamPath`` rewrote it.
    /// - `authority` (the `Host` the upstream sees) is `host` when set, otherwise the client's.
    /// - Hop-by-hop fields are removed; forwarding fields are sent as the server set them, one line each.
    /// - A body known to be empty is sent as ``ParapetCore/HTTPBody/empty``, which every attempt can replay.
    init(proxying request: Request, target: String, host: String?, scheme: String, upgrade: ProtocolUpgrade?) {
        var fields = HopByHopHeaders.requestFields(request.headerFields, upgrade: upgrade)
        ForwardingFields.fold(&fields)
        var authority = host ?? request.authority
        // The authority is the Host: a stray `Host` field would be sent twice.
        if let hostField = Self.hostField {
            authority = authority ?? fields[values: hostField].first
            fields[hostField] = nil
        }
        let head = HTTPRequest(
            method: request.method, scheme: scheme, authority: authority, path: target,
            headerFields: fields)
        self.init(head: head, body: request.body.isKnownEmpty ? .empty : request.body)
    }

    /// `Host`, which swift-http-types keeps out of its field names in favour of the authority.
    private static let hostField = HTTPField.Name("Host")
}
