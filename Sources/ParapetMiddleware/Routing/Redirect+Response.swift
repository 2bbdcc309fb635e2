public import HTTPTypes
public import ParapetCore

extension Redirect {
    /// The answer sending a client to `location` with `status`, as browsers and the Go original
    /// (`http.Redirect`) show it: `Location`, and for `GET` and `HEAD` `Content-Type: text/html;
    /// charset=utf-8` with — for `GET` only — a one-line body linking to the target, so a client that does
    /// not follow redirects still sees where to go.
    ///
    /// ```swift
    /// Redirect.response(to: "https://example.com/a?b&c", status: .movedPermanently, method: .get)
    /// // body: <a href="https://example.com/a?b&amp;c">Moved Permanently</a>.
    /// ```
    ///
    /// The target is HTML-escaped (`&`, `<`, `>`, `"`, `'`) in the body; the `Location` field carries it
    /// unchanged.
    public static func response(to location: String, status: HTTPResponse.Status, method: HTTPRequest.Method)
        -> Response
    {
        var fields: HTTPFields = [.location: location]
        guard method == .get || method == .head else { return Response(status: status, headerFields: fields) }
        fields[.contentType] = "text/html; charset=utf-8"
        guard method == .get else { return Response(status: status, headerFields: fields) }
        let body = "<a href=\"\(HTMLEscaping.escape(location))\">\(status.reasonPhrase)</a>.\n"
        return Response(status: status, headerFields: fields, body: HTTPBody(string: body))
    }
}
