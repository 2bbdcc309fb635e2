import HTTPTypes

extension RequestPathRules {
    /// The handler a server puts in front of its chain: every request goes on with its path in normal
    /// form (see ``RequestPathRules``), so each middleware, a user's predicate included, sees the path
    /// that routing matches and the proxy forwards; a refused path is answered `400 Bad Request`,
    /// naming the problem.
    public struct Handler: ParapetCore.Handler {
        let next: any ParapetCore.Handler
        let rules: RequestPathRules

        /// Applies `rules` to each request's path, then calls `next`.
        public init(next: any ParapetCore.Handler, rules: RequestPathRules) {
            self.next = next
            self.rules = rules
        }

        public func handle(_ request: Request, context: RequestContext) async throws -> Response {
            guard let target = request.path else { return try await next.handle(request, context: context) }
            let normal: String
            do throws(RequestPathRejection) {
                normal = try rules.normalizedTarget(target)
            } catch {
                return .badPath(error)
            }
            guard normal != target else { return try await next.handle(request, context: context) }
            var request = request
            request.path = normal
            return try await next.handle(request, context: context)
        }
    }
}

extension Response {
    /// `400 Bad Request` for a refused path, its reason as the body.
    public static func badPath(_ rejection: RequestPathRejection) -> Response {
        .text("Bad Request: \(rejection)\n", status: .badRequest)
    }
}
