/// Why a scenario could not be loaded or is not valid: the file, line and column, the offending field and a
/// one-line message.
///
/// Its ``description`` reads like a compiler diagnostic:
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
struct ScenarioProblem: Error, Sendable, Hashable, CustomStringConvertible {
    var path: ScenarioPath
    var kind: ScenarioError.Kind
    var message: String
    /// Whether the position should be the key's (an unknown field) rather than the value's.
    var pointsAtKey = false

    var description: String {
        path.isEmpty ? message : "\(path): \(message)"
    }

    func located(in file: String, root: ScenarioNode?) -> ScenarioError {
        let position = root.flatMap { $0.position(of: path, atKey: pointsAtKey) }
        return ScenarioError(
            file: file, line: position?.line, column: position?.column, field: path.description, kind: kind,
            message: message)
    }
}

/// A path into a scenario document: mapping keys and sequence indices.
struct ScenarioPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    enum Component: Sendable, Hashable, ExpressibleByStringLiteral {
        case key(String)
        case index(Int)

        init(stringLiteral value: String) {
            self = .key(value)
        }
    }

    var components: [Component]

    init(_ components: [Component]) {
        self.components = components
    }

    init(arrayLiteral elements: Component...) {
        self.components = elements
    }

    init(codingPath: [any CodingKey]) {
        components = codingPath.map { key in
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key is IndexKey {
                return .index(index)
            }
            return .key(key.stringValue)
        }
    }

    var isEmpty: Bool { components.isEmpty }

    func appending(_ component: Component) -> ScenarioPath {
        ScenarioPath(components + [component])
    }

    func appending(_ key: String) -> ScenarioPath {
        appending(.key(key))
    }

    func appending(index: Int) -> ScenarioPath {
        appending(.index(index))
    }

    /// `stacks[1].balancer`, or `scenario` for the root.
    var description: String {
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
    var containerName: String {
        isEmpty ? "scenario" : description
    }
}

/// A coding key for sequence positions.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) {
        intValue = index
    }

    init?(stringValue: String) { nil }

    init?(intValue: Int) {
        self.intValue = intValue
    }
}

/// A coding key for any name, used to read the single key of a tagged value.
struct NameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) {
        stringValue = name
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) { nil }
}
