import HTTPTypes
import NIOHTTP1

extension HTTPRequest {
    /// The request an HTTP/1.x head describes, or `nil` when the head is malformed (an unusable
    /// request target, several `Host` fields, a field name swift-http-types rejects).
    init?(http1 head: HTTPRequestHead, isSecure: Bool) {
        // NIO parses `M-SEARCH` into a case whose raw value drops the hyphen; the method is the one sent.
        let name = head.method == .MSEARCH ? "M-SEARCH" : head.method.rawValue
        guard let method = HTTPRequest.Method(name) else { return nil }
        var authority: String?
        var fields = HTTPFields()
        // Room for the three forwarding fields the server sets before the first middleware (see
        // ``ParapetCore/ForwardingHeaders``), so that adding them does not grow the storage.
        fields.reserveCapacity(head.headers.count + 3)
        for (name, value) in head.headers {
            if name.utf8.count == 4, name.lowercased() == "host" {
                guard authority == nil else { return nil }
                authority = value
                continue
            }
            guard let fieldName = HTTPField.Name(name) else { return nil }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        let uri = head.uri
        let path: String?
        if uri.hasPrefix("/") {
            path = uri
        } else if method == .connect {
            authority = uri
            path = nil
        } else if uri == "*", method == .options {
            path = uri
        } else if let afterScheme = Self.afterScheme(of: uri) {
            // Absolute form: the target's authority wins over the Host field (RFC 9112 §3.2.2).
            let pathStart = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
            authority = String(afterScheme[..<pathStart])
            let rest = afterScheme[pathStart...]
            path = rest.hasPrefix("/") ? String(rest) : "/" + rest
        } else {
            return nil
        }
        self.init(
            method: method,
            scheme: method == .connect ? nil : (isSecure ? "https" : "http"),
            authority: authority,
            path: path,
            headerFields: fields
        )
    }
}

extension HTTPRequest {
    /// What follows `scheme://` in an absolute-form target, or `nil` when `uri` is not one.
    private static func afterScheme(of uri: String) -> Substring? {
        guard let colon = uri.firstIndex(of: ":"), uri[colon...].hasPrefix("://"),
            uri[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        return uri[uri.index(colon, offsetBy: 3)...]
    }
}

extension HTTPResponseHead {
    /// The HTTP/1.x head for `response`, spoken in `version`.
    init(_ response: HTTPResponse, version: HTTPVersion) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headerFields.count + 2)
        for field in response.headerFields {
            headers.add(name: field.name.rawName, value: field.value)
        }
        self.init(
            version: version,
            status: HTTPResponseStatus(statusCode: response.status.code, reasonPhrase: response.status.reasonPhrase),
            headers: headers
        )
    }
}
