import HTTPTypes
import NIOCore
import ParapetCore

/// What is known of a response to be stored before its body has arrived.
struct PendingEntry: Sendable {
    var status: HTTPResponse.Status
    var fields: HTTPFields
    var control: CacheControl
    var age: ResponseAge
    var lifetime: Duration
    var variant: Variant
    var declaredLength: Int?
    var tags: [String]
    /// When the origin was asked for it: a purge after that instant covers it.
    var requestSent: MonotonicInstant

    /// The entry, with `body` and a `Content-Length` that says its length.
    func complete(with body: ByteBuffer) -> CachedResponse {
        var fields = fields
        if status.code != 204 { fields[.contentLength] = String(body.readableBytes) }
        return CachedResponse(
            status: status, headerFields: fields, control: control, body: body, age: age,
            freshnessLifetime: lifetime, variant: variant, tags: tags)
    }
}
