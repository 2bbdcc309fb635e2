import HTTPTypes
import NIOHTTP1

/// How a request body is delimited on an HTTP/1.1 connection.
enum UpstreamBodyFraming: Equatable {
    /// No body and no length field (a `GET` without body).
    case none
    /// `content-length` bytes follow (`0` for a `POST` without body, as Go sends it).
    case length(Int)
    /// Chunked transfer coding: a stream of unknown length.
    case chunked

    /// The framing for a body of `knownLength` (`nil`: a stream of unknown length) sent with `method`.
    init(method: HTTPRequest.Method, knownLength: Int?) {
        switch knownLength {
        case nil: self = .chunked
        case 0?: self = [.post, .put, .patch].contains(method) ? .length(0) : .none
        case let length?: self = .length(length)
        }
    }
}

extension HTTPRequestHead {
    /// The HTTP/1.1 head for `request`: its authority (or `target`) as `host` first, its fields but for
    /// hop-level framing, then the framing's `content-length` or `transfer-encoding`.
    init(upstream request: HTTPRequest, target: String, framing: UpstreamBodyFraming) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headerFields.count + 2)
        headers.add(name: "host", value: request.authority ?? target)
        for field in request.headerFields {
            switch field.name {
            case .contentLength, .transferEncoding, UpstreamHTTP1Fields.host:
                continue
            default:
                headers.add(name: field.name.rawName, value: field.value)
            }
        }
        switch framing {
        case .none: break
        case .length(let length): headers.add(name: "content-length", value: String(length))
        case .chunked: headers.add(name: "transfer-encoding", value: "chunked")
        }
        let uri = request.method == .connect ? (request.authority ?? target) : (request.path ?? "/")
        self.init(version: .http1_1, method: HTTPMethod(rawValue: request.method.rawValue), uri: uri, headers: headers)
    }

    /// Whether the head asks the server to close the connection after the exchange.
    var asksToClose: Bool {
        headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
    }
}

extension HTTPResponse {
    /// The response an HTTP/1.x head describes; field lines whose names swift-http-types rejects are
    /// dropped, and a reason phrase it cannot carry is cleaned by it.
    init(upstream head: HTTPResponseHead) {
        var fields = HTTPFields()
        fields.reserveCapacity(head.headers.count)
        for (name, value) in head.headers {
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        self.init(
            status: HTTPResponse.Status(code: Int(head.status.code), reasonPhrase: head.status.reasonPhrase),
            headerFields: fields)
    }
}

/// Field names used by the HTTP/1 client.
enum UpstreamHTTP1Fields {
    /// `Host`, which swift-http-types keeps in the authority rather than the fields.
    static let host = HTTPField.Name("Host")!
    /// `Keep-Alive`, an HTTP/1 connection field.
    static let keepAlive = HTTPField.Name("Keep-Alive")!
    /// `Proxy-Connection`, a non-standard HTTP/1 connection field.
    static let proxyConnection = HTTPField.Name("Proxy-Connection")!
}
