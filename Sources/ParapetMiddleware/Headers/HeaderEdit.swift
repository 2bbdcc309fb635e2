import HTTPTypes
import ParapetCore

/// One change to the lines of one header field: set, add, delete, or map each value.
///
/// Edits are applied in order by ``RequestHeaders`` (before the next handler runs) and ``ResponseHeaders``
/// (to the response the next handler returns). Field names are matched case-insensitively and checked
/// when the chain is built: a name that is not an HTTP token fails there, naming the field.
///
/// ```swift
/// server.use(ResponseHeaders(
///     .delete("Server"),
///     .set("X-Frame-Options", "DENY"),
///     .add("Cache-Control", "no-transform"),
///     .map("Location") { $0.replacingOccurrences(of: "http://", with: "https://") }
/// ))
/// ```
public struct HeaderEdit: Sendable {
    /// What an edit does to the lines of its field.
    enum Operation: Sendable {
        case set(String)
        case add(String)
        case delete
        case map(@Sendable (String) -> String?)
    }

    /// The field name as given.
    let name: String
    let operation: Operation

    /// Replaces every line of `name` with one line holding `value` (adding it when absent).
    public static func set(_ name: String, _ value: String) -> HeaderEdit {
        HeaderEdit(name: name, operation: .set(value))
    }

    /// Appends a line `name: value`, keeping the lines already there.
    public static func add(_ name: String, _ value: String) -> HeaderEdit {
        HeaderEdit(name: name, operation: .add(value))
    }

    /// Removes every line of `name`.
    public static func delete(_ name: String) -> HeaderEdit {
        HeaderEdit(name: name, operation: .delete)
    }

    /// Replaces each line of `name` with `transform` of its value, in order; a line mapped to `nil` is
    /// dropped (and the field with it once no line is left). An absent field stays absent.
    public static func map(_ name: String, _ transform: @escaping @Sendable (String) -> String?) -> HeaderEdit {
        HeaderEdit(name: name, operation: .map(transform))
    }

    /// The edit with its field name checked, ready to apply.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for a name that is not a
    ///   valid field name.
    func resolved() throws(ConfigurationError) -> Resolved {
        guard let field = HTTPField.Name(name) else {
            throw .invalidValue(field: "header name", reason: "\"\(name)\" is not a valid HTTP field name")
        }
        return Resolved(name: field, operation: operation)
    }

    /// An edit whose field name is known to be valid.
    struct Resolved: Sendable {
        let name: HTTPField.Name
        let operation: Operation

        /// Applies the edit to `fields`.
        func apply(to fields: inout HTTPFields) {
            switch operation {
            case .set(let value):
                fields[values: name] = [value]
            case .add(let value):
                fields.append(HTTPField(name: name, value: value))
            case .delete:
                fields[values: name] = []
            case .map(let transform):
                let values = fields[values: name]
                guard !values.isEmpty else { return }
                fields[values: name] = values.compactMap(transform)
            }
        }
    }
}

extension [HeaderEdit] {
    /// Every edit resolved, in order.
    func resolved() throws(ConfigurationError) -> [HeaderEdit.Resolved] {
        var resolved: [HeaderEdit.Resolved] = []
        resolved.reserveCapacity(count)
        for edit in self {
            resolved.append(try edit.resolved())
        }
        return resolved
    }
}

extension [HeaderEdit.Resolved] {
    /// Applies every edit to `fields`, in order.
    func apply(to fields: inout HTTPFields) {
        for edit in self {
            edit.apply(to: &fields)
        }
    }
}
