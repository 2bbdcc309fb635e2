import HTTPTypes
import NIOCore
import NIOHPACK
import NIOHTTP2

/// Converts between swift-http-types heads and HTTP/2 header blocks for the upstream client.
///
/// The client writes frame payloads itself (rather than through a codec) so that a request without a
/// body is one `HEADERS` frame with `END_STREAM` — not `HEADERS` and then an empty `DATA` frame.
enum UpstreamHTTP2Frames {
    /// The header block of `request`: pseudo-header fields first, then the fields (names lower-cased).
    static func headers(_ request: HTTPRequest) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(request.headerFields.count + 4)
        headers.add(name: ":method", value: request.method.rawValue)
        if let scheme = request.scheme { headers.add(name: ":scheme", value: scheme) }
        if let authority = request.authority { headers.add(name: ":authority", value: authority) }
        if let path = request.path { headers.add(name: ":path", value: path) }
        for field in request.headerFields {
            headers.add(name: field.name.canonicalName, value: field.value)
        }
        return headers
    }

    /// The response a header block describes; `nil` without a valid `:status`. Fields whose names
    /// swift-http-types rejects, and other pseudo-header fields, are dropped.
    static func response(_ headers: HPACKHeaders) -> HTTPResponse? {
        guard let value = headers.first(name: ":status"), let code = Int(value), (100...999).contains(code) else {
            return nil
        }
        return HTTPResponse(status: HTTPResponse.Status(code: code), headerFields: fields(headers))
    }

    /// The regular fields of a header block (a response head's or a trailer section's): pseudo-header
    /// fields and names swift-http-types rejects are dropped.
    static func fields(_ headers: HPACKHeaders) -> HTTPFields {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count)
        for (name, value, _) in headers where !name.hasPrefix(":") {
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return fields
    }

    /// A trailer section's header block: the fields a trailer may carry, names lower-cased.
    static func trailers(_ fields: HTTPFields) -> HPACKHeaders {
        var headers = HPACKHeaders()
        for field in fields.permittedInTrailers {
            headers.add(name: field.name.canonicalName, value: field.value)
        }
        return headers
    }
}

/// A stream the upstream reset.
struct UpstreamStreamReset: Error, CustomStringConvertible {
    var code: NIOHTTP2.HTTP2ErrorCode
    var description: String { "the upstream reset the stream (\(code))" }
}

/// A response head without a valid `:status`.
struct UpstreamMalformedResponse: Error, CustomStringConvertible {
    var description: String { "the upstream sent a response head without a valid :status" }
}
