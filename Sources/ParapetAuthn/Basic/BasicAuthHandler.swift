import HTTPTypes
import Logging
import ParapetCore

/// The handler a ``BasicAuth`` installs.
struct BasicAuthHandler: Handler {
    let next: any Handler
    let verify: BasicAuth.Verifier
    let options: BasicAuth.Options

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        guard let encoded = TokenExtraction.credentials(request.headerFields[.authorization], scheme: "basic") else {
            return reject(.missingCredentials)
        }
        guard let decoded = Base64URL.decodeStandard(Array(encoded.utf8)),
            let text = String(validating: decoded, as: UTF8.self),
            let colon = text.firstIndex(of: ":")
        else {
            return reject(.malformedCredentials)
        }
        let user = String(text[..<colon])
        guard await verify(user, String(text[text.index(after: colon)...])) else {
            return reject(.wrongCredentials(user: user))
        }
        options.observe?(.accepted(user: user))
        context.accessLog?.set("subject", .string(user))
        var request = request
        request.headerFields[.authorization] = nil
        var context = context
        context.values[BasicAuth.UserKey.self] = user
        return try await next.handle(request, context: context)
    }

    private func reject(_ outcome: BasicAuth.Outcome) -> Response {
        options.observe?(outcome)
        let detail: String
        switch outcome {
        case .missingCredentials: detail = "credentials required"
        case .malformedCredentials: detail = "malformed credentials"
        default: detail = "wrong user or password"
        }
        return options.errorFormat.response(
            .unauthorized, detail: detail, challenge: #"Basic realm="\#(options.realm)", charset="UTF-8""#)
    }
}
