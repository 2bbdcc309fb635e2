import HTTPTypes
import ParapetCore

/// A checked ``CORS`` configuration: the fields of its answers built once, and the decision for each
/// request.
struct CORSPolicy: Sendable {
    /// What the middleware does with one request.
    enum Decision: Equatable {
        /// No `Origin`: pass through.
        case notCrossOrigin
        /// An origin the policy does not allow: `403`, next not called.
        case rejected
        /// A preflight: answer directly with these fields.
        case preflight(HTTPFields)
        /// An allowed request: pass through, then mark the response with this `Access-Control-Allow-Origin`.
        case allowed(allowOrigin: String)
    }

    private enum Origins: Sendable {
        case all
        case set(Set<String>)
        case matching(@Sendable (String) -> Bool)
    }

    private let origins: Origins
    /// A preflight answer's fields, but for `Access-Control-Allow-Origin`.
    private let preflightFields: HTTPFields
    /// The fields marking an allowed response, but for `Access-Control-Allow-Origin` and `Vary`.
    private let responseFields: HTTPFields
    let preflightStatus: HTTPResponse.Status

    /// Whether the answer depends on the origin (anything but ``CORS/AllowedOrigins/all``), so responses
    /// carry `Vary: Origin`.
    let isRestricted: Bool

    /// Checks `cors` and builds its answer fields.
    init(_ cors: CORS) throws(ConfigurationError) {
        switch cors.allowedOrigins {
        case .all:
            guard !cors.allowsCredentials else {
                throw .invalidValue(
                    field: "allowsCredentials",
                    reason: "credentials cannot be allowed for every origin (browsers refuse `*` with credentials); "
                        + "list the origins in allowedOrigins instead")
            }
            origins = .all
            isRestricted = false
        case .list(let list):
            guard !list.isEmpty else {
                throw .invalidValue(
                    field: "allowedOrigins", reason: "the list is empty, so every cross-origin request would be refused"
                )
            }
            origins = .set(Set(list))
            isRestricted = true
        case .matching(let predicate):
            origins = .matching(predicate)
            isRestricted = true
        }
        for (field, names) in [("allowedHeaders", cors.allowedHeaders), ("exposedHeaders", cors.exposedHeaders)] {
            if let bad = names.first(where: { HTTPField.Name($0) == nil }) {
                throw .invalidValue(field: field, reason: "\"\(bad)\" is not a valid HTTP field name")
            }
        }
        if let maxAge = cors.maxAge, maxAge < .zero {
            throw .invalidValue(field: "maxAge", reason: "\(maxAge) is negative")
        }
        guard cors.preflightStatus == .noContent || cors.preflightStatus == .ok else {
            throw .invalidValue(field: "preflightStatus", reason: "\(cors.preflightStatus) is neither 204 nor 200")
        }
        preflightStatus = cors.preflightStatus

        var preflight = HTTPFields()
        var response = HTTPFields()
        if cors.allowsCredentials {
            preflight[.accessControlAllowCredentials] = "true"
            response[.accessControlAllowCredentials] = "true"
        }
        if !cors.allowedMethods.isEmpty {
            preflight[.accessControlAllowMethods] = cors.allowedMethods.map(\.rawValue).joined(separator: ",")
        }
        if !cors.allowedHeaders.isEmpty {
            preflight[.accessControlAllowHeaders] = cors.allowedHeaders.joined(separator: ",")
        }
        if let maxAge = cors.maxAge {
            preflight[.accessControlMaxAge] = "\(maxAge.components.seconds)"
        }
        if !cors.exposedHeaders.isEmpty {
            response[.accessControlExposeHeaders] = cors.exposedHeaders.joined(separator: ",")
        }
        if isRestricted {
            for token in ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"] {
                preflight.append(HTTPField(name: .vary, value: token))
            }
        }
        preflightFields = preflight
        responseFields = response
    }

    /// What to do with a request whose head is `head`.
    func decide(_ head: HTTPRequest) -> Decision {
        guard let origin = head.headerFields[.origin], !origin.isEmpty else { return .notCrossOrigin }
        let allowOrigin: String
        switch origins {
        case .all:
            allowOrigin = "*"
        case .set(let allowed):
            guard allowed.contains(origin) else { return .rejected }
            allowOrigin = origin
        case .matching(let isAllowed):
            guard isAllowed(origin) else { return .rejected }
            allowOrigin = origin
        }
        guard head.method == .options, head.headerFields[.accessControlRequestMethod] != nil else {
            return .allowed(allowOrigin: allowOrigin)
        }
        var fields = preflightFields
        fields[.accessControlAllowOrigin] = allowOrigin
        return .preflight(fields)
    }

    /// Marks an allowed response: the CORS fields replace any the response had, and `Vary: Origin` is
    /// merged into its `Vary` when the answer depends on the origin.
    func decorate(_ fields: inout HTTPFields, allowOrigin: String) {
        fields[.accessControlAllowOrigin] = allowOrigin
        for field in responseFields {
            fields[field.name] = field.value
        }
        if isRestricted {
            fields.mergeVary("Origin")
        }
    }
}
