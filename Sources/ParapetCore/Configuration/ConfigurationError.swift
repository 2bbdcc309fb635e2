/// A configuration value that cannot work, named so the operator can fix it.
///
/// ```swift
/// do { _ = try TrustedProxies(cidrs: ["10.0.0.0/33"]) }
/// catch { print(error) }   // invalid CIDR "10.0.0.0/33"
/// ```
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A network in CIDR notation did not parse.
    case invalidCIDR(String)
    /// `field` holds a value that makes no sense, for `reason`.
    case invalidValue(field: String, reason: String)
    /// Several values are wrong at once (see ``ConfigurationCheck``); each is named.
    case several([ConfigurationError])

    public var description: String {
        switch self {
        case .invalidCIDR(let text):
            return "invalid CIDR \"\(text)\": expected an IPv4 or IPv6 network such as 10.0.0.0/8 or fd00::/8"
        case .invalidValue(let field, let reason):
            return "invalid \(field): \(reason)"
        case .several(let problems):
            return "\(problems.count) configuration problems: " + problems.map(\.description).joined(separator: "; ")
        }
    }
}

extension ConfigurationError {
    /// The field an ``invalidValue(field:reason:)`` names; `nil` for the other cases.
    public var field: String? {
        if case .invalidValue(let field, _) = self { return field }
        return nil
    }

    /// Each single problem this error stands for: the problems of ``several(_:)``, or itself.
    package var flattened: [ConfigurationError] {
        if case .several(let problems) = self { return problems.flatMap(\.flattened) }
        return [self]
    }

    /// What `check` throws, caught, or `nil` when it passes: for a component that keeps the problems of
    /// its options to report when the chain holding it is built.
    public static func caught(from check: () throws(ConfigurationError) -> Void) -> ConfigurationError? {
        do {
            try check()
            return nil
        } catch {
            return error
        }
    }
}
