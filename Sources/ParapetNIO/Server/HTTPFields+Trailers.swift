import HTTPTypes
import NIOCore
import NIOHTTP1
import ParapetCore

extension HTTPFields {
    /// The trailer fields an HTTP/1.1 chunked body ended with; lines whose names swift-http-types rejects
    /// are dropped.
    init(http1Trailers headers: HTTPHeaders) {
        self.init()
        reserveCapacity(headers.count)
        for (name, value) in headers {
            guard let fieldName = HTTPField.Name(name) else { continue }
            append(HTTPField(name: fieldName, value: value))
        }
    }

    /// These fields as HTTP/1.1 trailer lines, without those a trailer section may not carry.
    var http1Trailers: HTTPHeaders {
        var headers = HTTPHeaders()
        for field in self where !Self.forbiddenInTrailers.contains(field.name) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        return headers
    }

    /// These fields without those a trailer section may not carry.
    var permittedInTrailers: HTTPFields {
        HTTPFields(filter { !Self.forbiddenInTrailers.contains($0.name) })
    }

    /// Fields a trailer section must not carry: those that frame or route a message or say how to process
    /// its content (RFC 9110 §6.5.1).
    static let forbiddenInTrailers: Set<HTTPField.Name> = [
        .contentLength, .transferEncoding, .connection, .trailer, UpstreamHTTP1Fields.host, .contentType, .contentEncoding, .te,
    ]
}

extension HTTPTrailers {
    /// Records trailers that arrived with an HTTP/1.1 body's end, if there were any.
    func set(http1 headers: HTTPHeaders?) {
        guard let headers, !headers.isEmpty else { return }
        set(HTTPFields(http1Trailers: headers))
    }
}
