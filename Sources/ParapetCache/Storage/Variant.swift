public import HTTPTypes
import ParapetCore

/// Which request a stored response answers, among requests for the same URL (RFC 9111 §4.1): the
/// request's values of the fields the response's `Vary` lists.
///
/// Values are compared after joining field lines with `, ` and trimming whitespace around each member,
/// so `gzip,br` and `gzip, br` select the same response; a field the request lacks matches only a
/// request that lacks it too. A response with `Vary: *` is never selected.
///
/// ```swift
/// let variant = Variant(vary: response.headerFields, request: request.headerFields)
/// variant.matches(otherRequest.headerFields)
/// ```
public struct Variant: Sendable, Hashable {
    /// A field the response varies on and the request's value of it.
    public struct Field: Sendable, Hashable {
        /// The field name, lowercased.
        public var name: String
        /// The normalized value; `nil` when the request lacked the field.
        public var value: String?

        package init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    /// The fields, sorted by name.
    public private(set) var fields: [Field]
    /// Whether `Vary` listed `*`: no later request matches.
    public private(set) var isWildcard: Bool

    /// The variant `request` selects of a response with `responseFields`.
    public init(vary responseFields: HTTPFields, request requestFields: HTTPFields) {
        var names: Set<String> = []
        var wildcard = false
        for line in responseFields[values: .vary] {
            for member in line.split(separator: ",") {
                let name = member.trimmingWhitespace.lowercased()
                if name == "*" { wildcard = true } else if !name.isEmpty { names.insert(name) }
            }
        }
        isWildcard = wildcard
        fields = names.sorted().map { Field(name: $0, value: Self.value(of: $0, in: requestFields)) }
    }

    /// A variant read back from a store.
    package init(fields: [Field]) {
        self.fields = fields
        isWildcard = false
    }

    /// Whether a request with `requestFields` selects this variant.
    public func matches(_ requestFields: HTTPFields) -> Bool {
        !isWildcard && fields.allSatisfy { $0.value == Self.value(of: $0.name, in: requestFields) }
    }

    /// Whether two variants answer the same requests, so a newer response replaces the older one.
    func selectsSameRequests(as other: Variant) -> Bool {
        !isWildcard && !other.isWildcard && fields == other.fields
    }

    private static func value(of name: String, in fields: HTTPFields) -> String? {
        guard let fieldName = HTTPField.Name(name) else { return nil }
        let lines = fields[values: fieldName]
        guard !lines.isEmpty else { return nil }
        return lines.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingWhitespace }
            .joined(separator: ", ")
    }
}
