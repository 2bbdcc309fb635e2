import HTTPTypes
import NIOHTTP1

/// The request framing NIO's parser accepts but a server must refuse (RFC 9112 §6.1): a request whose
/// body length two hops could read differently is how requests are smuggled past a front proxy.
///
/// NIO's parser already refuses `Content-Length` beside `Transfer-Encoding`, conflicting or malformed
/// lengths, obs-fold, bare LF and bad chunk sizes; this adds the `Transfer-Encoding` rules it leaves to
/// the server.
///
/// ```swift
/// HTTP1RequestFraming.refusal(of: head)   // .badRequest for "Transfer-Encoding: chunked" on HTTP/1.0
/// ```
enum HTTP1RequestFraming {
    /// The status to refuse `head` with, or `nil` when its framing is sound.
    ///
    /// * `Transfer-Encoding` on HTTP/1.0: faulty framing, `400` (an HTTP/1.0 hop would ignore it).
    /// * A last coding other than `chunked`, or `chunked` twice: the length cannot be known, `400`.
    /// * Another coding before `chunked` (`gzip, chunked`): not implemented, `501`, rather than hand
    ///   the handler an encoded body it would take for plain.
    static func refusal(of head: HTTPRequestHead) -> HTTPResponse.Status? {
        let fields = head.headers[canonicalForm: "transfer-encoding"]
        guard !fields.isEmpty else { return nil }
        guard head.version.major == 1, head.version.minor >= 1 else { return .badRequest }
        let codings = fields.map { $0.lowercased() }
        guard codings.last == "chunked", codings.count(where: { $0 == "chunked" }) == 1 else { return .badRequest }
        return codings.count == 1 ? nil : .notImplemented
    }
}
