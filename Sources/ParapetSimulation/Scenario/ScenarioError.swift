/// Why a scenario could not be loaded or is not valid: the file, line and column, the offending field and a
/// one-line message.
///
/// Its ``description`` reads like a compiler diagnostic (loading a file is `ParapetScenarios`):
///
/// ```swift
/// do {
///     let scenario = try Scenario.load(contentsOf: url)
/// } catch let error as ScenarioError {
///     print(error)  // bad.yaml:12:5: unknown field "balancr" in stack (expected one of: balancer, ...)
/// }
/// ```
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem the scenario has.
    ///
    /// ```swift
    /// if error.kind == .unknownField { suggestSpelling() }
    /// ```
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The file is empty or holds only comments.
        case emptyFile
        /// The text is not well-formed YAML or JSON.
        case syntax
        /// A mapping holds a key the scenario format does not know.
        case unknownField
        /// A required field is absent.
        case missingField
        /// A field holds a value of the wrong shape (a string where a number belongs, a list for a mapping…).
        case wrongType
        /// A field's value is out of range or malformed (a negative duration, a ratio above 1…).
        case invalidValue
        /// A name refers to nothing declared: an unknown target, stack, balancer or behaviour.
        case unknownReference
        /// The same name or key is declared twice.
        case duplicate
    }

    /// The file name (or `<scenario>` for a scenario built in Swift).
    ///
    /// ```swift
    /// print(error.file)  // "bad.yaml"
    /// ```
    public var file: String
    /// The 1-based line of the offending text, when known.
    public var line: Int?
    /// The 1-based column of the offending text, when known.
    public var column: Int?
    /// The dotted path of the offending field, such as `stacks[1].balancer.openTimeout`; empty for the file.
    public var field: String
    /// The kind of problem.
    public var kind: Kind
    /// The message, without the location prefix.
    ///
    /// ```swift
    /// print(error.message)  // unknown target "z" in timeline[2] (known targets: a, b)
    /// ```
    public var message: String

    /// Creates an error.
    ///
    /// ```swift
    /// let error = ScenarioError(file: "a.yaml", line: 3, column: 5, field: "duration",
    ///                           kind: .invalidValue, message: "duration must be positive")
    /// ```
    public init(file: String, line: Int?, column: Int?, field: String, kind: Kind, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.kind = kind
        self.message = message
    }

    /// `file:line:column: message`, on one line.
    ///
    /// ```swift
    /// print(error.description)  // bad.yaml:12:5: unknown field "balancr" in stack (expected one of: ...)
    /// ```
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(message)"
    }
}

/// A problem found while decoding or validating, located by its path in the scenario; the loader turns it into
/// a ``ScenarioError`` with the line and column of that path.
package struct ScenarioProblem: Error, Sendable, Hashable, CustomStringConvertible {
    package var path: ScenarioPath
    package var kind: ScenarioError.Kind
    package var message: String
    /// Whether the position should be the key's (an unknown field) rather than the value's.
    package var pointsAtKey = false

    package init(path: ScenarioPath, kind: ScenarioError.Kind, message: String, pointsAtKey: Bool = false) {
        self.path = path
        self.kind = kind
        self.message = message
        self.pointsAtKey = pointsAtKey
    }

    package var description: String {
        path.isEmpty ? message : "\(path): \(message)"
    }

    /// The problem as an error in `file`, at `line` and `column` when the document's positions are known.
    package func located(in file: String, line: Int? = nil, column: Int? = nil) -> ScenarioError {
        ScenarioError(file: file, line: line, column: column, field: path.description, kind: kind, message: message)
    }
}

/// A path into a scenario document: mapping keys and sequence indices.
package struct ScenarioPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    package enum Component: Sendable, Hashable, ExpressibleByStringLiteral {
        case key(String)
        case index(Int)

        package init(stringLiteral value: String) {
            self = .key(value)
        }
    }

    package var components: [Component]

    package init(_ components: [Component]) {
        self.components = components
    }

    package init(arrayLiteral elements: Component...) {
        self.components = elements
    }

    package init(codingPath: [any CodingKey]) {
        components = codingPath.map { key in
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key is IndexKey {
                return .index(index)
            }
            return .key(key.stringValue)
        }
    }

    package var isEmpty: Bool { components.isEmpty }

    package func appending(_ component: Component) -> ScenarioPath {
        ScenarioPath(components + [component])
    }

    package func appending(_ key: String) -> ScenarioPath {
        appending(.key(key))
    }

    package func appending(index: Int) -> ScenarioPath {
        appending(.index(index))
    }

    /// `stacks[1].balancer`, or `scenario` for the root.
    package var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// The name used in messages for the mapping this path designates: its dotted path, or `scenario`.
    package var containerName: String {
        isEmpty ? "scenario" : description
    }
}

/// A coding key for sequence positions.
package struct IndexKey: CodingKey {
    package var intValue: Int?
    package var stringValue: String { "Index \(intValue ?? 0)" }

    package init(_ index: Int) {
        intValue = index
    }

    package init?(stringValue: String) { nil }

    package init?(intValue: Int) {
        self.intValue = intValue
    }
}

/// A coding key for any name, used to read the single key of a tagged value.
package struct NameKey: CodingKey {
    package var stringValue: String
    package var intValue: Int? { nil }

    package init(_ name: String) {
        stringValue = name
    }

    package init?(stringValue: String) {
        self.stringValue = stringValue
    }

    package init?(intValue: Int) { nil }
}

extension ScenarioPath {
    /// `"rate" in workload`, `targets[2]` or `the scenario`.
    package var fieldName: String {
        guard let last = components.last else { return "the scenario" }
        let parent = ScenarioPath(Array(components.dropLast()))
        switch last {
        case .key(let key): return "\"\(key)\" in \(parent.containerName)"
        case .index: return description
        }
    }
}
