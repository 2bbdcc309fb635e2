import HTTPTypes
import ParapetCore

/// Keeps the forwarding fields one line each on their way upstream.
///
/// The server applies its trusted-proxy rules (``ParapetCore/ForwardingHeaders``) before the first
/// middleware, so the proxy sends `X-Forwarded-For`, `X-Real-IP` and `X-Forwarded-Proto` as they are: it
/// never appends a hop of its own. Should a middleware have added a second line since, the lines are
/// folded back into one: `X-Forwarded-For`'s lists are joined in order (`a, b`), and the single-valued
/// `X-Real-IP` and `X-Forwarded-Proto` keep their first line, the one the server set.
///
/// ```swift
/// var fields = HTTPFields()
/// fields.append(HTTPField(name: .xForwardedFor, value: "203.0.113.7"))
/// fields.append(HTTPField(name: .xForwardedFor, value: "10.0.0.1"))
/// ForwardingFields.fold(&fields)   // one line: X-Forwarded-For: 203.0.113.7, 10.0.0.1
/// ```
enum ForwardingFields {
    /// Folds repeated forwarding fields of `fields` into one line each.
    static func fold(_ fields: inout HTTPFields) {
        // One pass that allocates nothing: nearly every request carries each field at most once.
        var forwardedFor = 0
        var realIP = 0
        var forwardedProto = 0
        for field in fields {
            switch field.name {
            case .xForwardedFor: forwardedFor += 1
            case .xRealIP: realIP += 1
            case .xForwardedProto: forwardedProto += 1
            default: continue
            }
        }
        if forwardedFor > 1 {
            let chain = fields[values: .xForwardedFor].filter { !$0.isEmpty }
            fields[.xForwardedFor] = chain.isEmpty ? nil : chain.joined(separator: ", ")
        }
        // The single-valued fields keep their first line (the getter of `fields[name]` would join them).
        if realIP > 1 { fields[.xRealIP] = fields[values: .xRealIP].first }
        if forwardedProto > 1 { fields[.xForwardedProto] = fields[values: .xForwardedProto].first }
    }
}
