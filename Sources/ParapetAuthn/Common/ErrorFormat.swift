import HTTPTypes
import ParapetCore

/// How the authenticators word their error answers.
public enum ErrorFormat: Sendable, Equatable {
    /// `text/plain`: the reason phrase and the problem, one line each.
    case text
    /// `application/json`: `{"error":"<reason phrase>","detail":"<problem>"}`.
    case json

    /// The answer `status` with `detail`, carrying `challenge` as `WWW-Authenticate` when given.
    func response(_ status: HTTPResponse.Status, detail: String, challenge: String?) -> Response {
        var fields = HTTPFields()
        switch self {
        case .text:
            fields[.contentType] = "text/plain; charset=utf-8"
        case .json:
            fields[.contentType] = "application/json"
        }
        fields[.xContentTypeOptions] = "nosniff"
        fields[.cacheControl] = "no-store"
        if let challenge { fields[.wwwAuthenticate] = challenge }
        let body: String
        switch self {
        case .text: body = status.reasonPhrase + "\n" + detail + "\n"
        case .json:
            body = #"{"error":"\#(jsonEscaped(status.reasonPhrase))","detail":"\#(jsonEscaped(detail))"}"# + "\n"
        }
        return Response(status: status, headerFields: fields, body: HTTPBody(string: body))
    }

    private func jsonEscaped(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\u{0}"..."\u{1F}":
                escaped +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

/// Whether `text` may stand inside a quoted-string of an auth challenge: printable ASCII without `"` or `\`.
func isQuotable(_ text: String) -> Bool {
    !text.isEmpty
        && text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
}
