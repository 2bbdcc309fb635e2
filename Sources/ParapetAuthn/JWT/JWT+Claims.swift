public import ParapetCore

extension JWT {
    /// The verified claims set of a request's token, on the request context for later middlewares.
    ///
    /// ```swift
    /// server.use(Around { request, context, next in
    ///     guard context.jwtClaims?["role"]?.stringValue == "admin" else { return .error(.forbidden) }
    ///     return try await next.handle(request, context: context)
    /// })
    /// ```
    public struct Claims: Sendable, Equatable {
        /// The members of the payload object, in token order.
        public let members: [(name: String, value: JSONValue)]

        init(members: [(name: String, value: JSONValue)]) {
            self.members = members
        }

        /// The claim `name`, or `nil`.
        public subscript(name: String) -> JSONValue? {
            members.first { $0.name == name }?.value
        }

        /// `sub`, when it is a string.
        public var subject: String? { self["sub"]?.stringValue }

        /// `iss`, when it is a string.
        public var issuer: String? { self["iss"]?.stringValue }

        public static func == (lhs: Claims, rhs: Claims) -> Bool {
            JSONValue.object(lhs.members) == JSONValue.object(rhs.members)
        }

        /// The key the claims are stored under in ``ParapetCore/RequestValues``.
        public enum Key: RequestValueKey {
            public typealias Value = Claims
        }
    }
}

extension RequestContext {
    /// The verified claims of this request's JWT, when a ``JWT`` authenticator outside the caller accepted
    /// one.
    public var jwtClaims: JWT.Claims? {
        values[JWT.Claims.Key.self]
    }
}
