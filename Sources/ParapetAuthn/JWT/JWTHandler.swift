import HTTPTypes
import Logging
import ParapetCore

/// The handler a ``JWT`` authenticator installs: finds the token, verifies it, answers `401`/`403`/`503`
/// or passes the request on with its claims.
struct JWTHandler: Handler {
    let next: any Handler
    let verifier: TokenVerifier
    let options: JWT.Options

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        guard let token = TokenExtraction.token(in: request, sources: options.tokenSources) else {
            return reject(.missingToken)
        }
        let claims: JWT.Claims
        let cached: Bool
        do {
            (claims, cached) = try await verifier.verify(token, at: context.runtime.wallClock.now)
        } catch {
            return reject(error)
        }
        if let authorize = options.authorize, !authorize(claims) {
            options.observe?(.forbidden(subject: claims.subject))
            return options.errorFormat.response(
                .forbidden, detail: "token does not grant access",
                challenge: #"Bearer realm="\#(options.realm)", error="insufficient_scope""#)
        }
        options.observe?(.accepted(subject: claims.subject, cached: cached))
        if let subject = claims.subject { context.accessLog?.set("subject", .string(subject)) }
        var context = context
        context.values[JWT.Claims.Key.self] = claims
        return try await next.handle(request, context: context)
    }

    private func reject(_ reason: JWT.Rejection) -> Response {
        options.observe?(.rejected(reason))
        switch reason {
        case .missingToken:
            return options.errorFormat.response(
                .unauthorized, detail: reason.description, challenge: #"Bearer realm="\#(options.realm)""#)
        case .keysUnavailable:
            return options.errorFormat.response(.serviceUnavailable, detail: reason.description, challenge: nil)
        default:
            return options.errorFormat.response(
                .unauthorized, detail: reason.description,
                challenge: #"Bearer realm="\#(options.realm)", error="invalid_token", error_description="\#(reason)""#)
        }
    }
}
