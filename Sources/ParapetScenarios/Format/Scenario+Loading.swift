public import Foundation
import ParapetCore
public import ParapetSimulation

extension Scenario {
    /// The format of a scenario document.
    ///
    /// ```swift
    /// let scenario = try Scenario(text: text, format: .json, file: "inline.json")
    /// ```
    public enum Format: Sendable, Hashable {
        /// YAML (parsed by Yams).
        case yaml
        /// JSON.
        case json

        /// `.json` for a `.json` file name, YAML otherwise.
        public init(fileName: String) {
            self = fileName.lowercased().hasSuffix(".json") ? .json : .yaml
        }
    }

    /// Loads and validates the scenario file at `url`, YAML or JSON by its extension.
    ///
    /// - Throws: ``ScenarioError`` naming the file, line, column and field of the first problem, or the
    ///   file-system error when the file cannot be read.
    public static func load(contentsOf url: URL) throws -> Scenario {
        let data = try Data(contentsOf: url)
        let file = url.lastPathComponent
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(file: file, line: 1, column: 1, field: "", kind: .syntax, message: "the file is not UTF-8 text")
        }
        return try Scenario(text: text, format: Format(fileName: file), file: file)
    }

    /// Parses and validates a scenario document.
    ///
    /// - Parameter file: the name used in error messages.
    /// - Throws: ``ScenarioError``.
    public init(text: String, format: Format, file: String) throws(ScenarioError) {
        let root: ScenarioNode?
        switch format {
        case .yaml: root = try ScenarioNode.parseYAML(text, file: file)
        case .json: root = try ScenarioNode.parseJSON(text, file: file)
        }
        guard let root else {
            throw ScenarioError(
                file: file, line: 1, column: 1, field: "", kind: .emptyFile, message: "the file is empty: expected a scenario mapping")
        }
        // Decoding validates the scenario too.
        self = try Self.decode(Scenario.self, from: root, file: file)
    }

    /// Parses and validates a YAML scenario.
    public init(yaml text: String, file: String = "<yaml>") throws(ScenarioError) {
        try self.init(text: text, format: .yaml, file: file)
    }

    /// Parses and validates a JSON scenario.
    public init(json text: String, file: String = "<json>") throws(ScenarioError) {
        try self.init(text: text, format: .json, file: file)
    }

    /// Decodes one part of a scenario (a behaviour, a latency, a stack…) from YAML, with the same errors as a
    /// whole file; handy in tests. A whole ``Scenario`` is validated as well.
    public static func decodeFragment<T: Decodable>(_ type: T.Type, yaml text: String, file: String = "<yaml>") throws(ScenarioError) -> T {
        guard let root = try ScenarioNode.parseYAML(text, file: file) else {
            throw ScenarioError(file: file, line: 1, column: 1, field: "", kind: .emptyFile, message: "the text is empty")
        }
        return try decode(type, from: root, file: file)
    }

    static func decode<T: Decodable>(_ type: T.Type, from root: ScenarioNode, file: String) throws(ScenarioError) -> T {
        do {
            return try T(from: ScenarioNodeDecoder(node: root))
        } catch let problem as ScenarioProblem {
            throw problem.normalized(for: root).located(in: file, root: root)
        } catch let error as ScenarioError {
            throw error
        } catch let error as DecodingError {
            let context: DecodingError.Context? =
                switch error {
                case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
                    .dataCorrupted(let context):
                    context
                @unknown default:
                    nil
                }
            let path = ScenarioPath(codingPath: context?.codingPath ?? [])
            let message =
                if let problem = context?.underlyingError as? DurationText.ParseError {
                    "invalid duration for \(path.fieldName): \(problem)"
                } else {
                    context?.debugDescription ?? "\(error)"
                }
            throw ScenarioProblem(path: path, kind: .invalidValue, message: message).normalized(for: root)
                .located(in: file, root: root)
        } catch {
            throw ScenarioError(file: file, line: 1, column: 1, field: "", kind: .invalidValue, message: "\(error)")
        }
    }
}

extension ScenarioProblem {
    /// Maps `stacks[0]…` to `stack…` when the document wrote a single `stack`.
    func normalized(for root: ScenarioNode) -> ScenarioProblem {
        guard path.components.count >= 2, path.components[0] == .key("stacks"), path.components[1] == .index(0),
            root.value(forKey: "stacks") == nil, root.value(forKey: "stack") != nil
        else { return self }
        var copy = self
        let old = path.description
        copy.path = ScenarioPath([.key("stack")] + path.components.dropFirst(2))
        copy.message = message.replacingOccurrences(of: old, with: copy.path.description)
            .replacingOccurrences(of: "stacks[0]", with: "stack")
        return copy
    }
}

extension ScenarioProblem {
    /// The problem as an error at its line and column in the document `root` read from `file`.
    func located(in file: String, root: ScenarioNode) -> ScenarioError {
        let position = root.position(of: path, atKey: pointsAtKey)
        return located(in: file, line: position.line, column: position.column)
    }
}
