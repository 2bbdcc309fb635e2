import ParapetSimulation
import Yams

extension ScenarioNode {
    /// Parses YAML text into a node tree; `nil` for an empty document (or one holding only comments).
    static func parseYAML(_ text: String, file: String) throws(ScenarioError) -> ScenarioNode? {
        if let position = YAMLNestingScanner.firstExcess(in: text, maximumDepth: maximumDepth) {
            throw ScenarioError(
                file: file, line: position.line, column: position.column, field: "", kind: .syntax,
                message: "not valid YAML: nested more than \(maximumDepth) levels deep")
        }
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, file: file, text: text)
        } catch {
            throw ScenarioError(
                file: file, line: 1, column: 1, field: "", kind: .syntax, message: "not valid YAML: \(error)")
        }
        guard let root else { return nil }
        return try convert(root, file: file, path: [])
    }

    private static func convert(_ node: Yams.Node, file: String, path: ScenarioPath) throws(ScenarioError)
        -> ScenarioNode
    {
        let position = SourcePosition(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        switch node {
        case .scalar(let scalar):
            let isPlain = scalar.style == .plain || scalar.style == .any
            return .scalar(scalar.string, position, isPlain: isPlain)
        case .sequence(let sequence):
            var items: [ScenarioNode] = []
            for (index, item) in sequence.enumerated() {
                items.append(try convert(item, file: file, path: path.appending(index: index)))
            }
            return .sequence(items, position)
        case .mapping(let mapping):
            var entries: [Entry] = []
            for (key, value) in mapping {
                let keyPosition = SourcePosition(line: key.mark?.line ?? position.line, column: key.mark?.column ?? 1)
                guard case .scalar(let scalar) = key else {
                    throw ScenarioError(
                        file: file, line: keyPosition.line, column: keyPosition.column, field: path.description,
                        kind: .wrongType, message: "a key in \(path.containerName) is not a plain name")
                }
                if entries.contains(where: { $0.key == scalar.string }) {
                    throw ScenarioError(
                        file: file, line: keyPosition.line, column: keyPosition.column,
                        field: path.appending(scalar.string).description, kind: .duplicate,
                        message: "duplicate field \"\(scalar.string)\" in \(path.containerName)")
                }
                let converted = try convert(value, file: file, path: path.appending(scalar.string))
                entries.append(Entry(key: scalar.string, keyPosition: keyPosition, value: converted))
            }
            return .mapping(entries, position)
        case .alias:
            throw ScenarioError(
                file: file, line: position.line, column: position.column, field: path.description, kind: .syntax,
                message: "YAML aliases are not supported in scenario files")
        }
    }

    private static func syntaxError(_ error: YamlError, file: String, text: String) -> ScenarioError {
        func located(_ problem: String, _ mark: Mark) -> ScenarioError {
            ScenarioError(
                file: file, line: mark.line, column: mark.column, field: "", kind: .syntax,
                message: "not valid YAML: \(problem)")
        }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return located(problem, mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams points at the first occurrence; point at the repetition, which is what needs removing.
            let key = duplicates.sorted().first ?? ""
            let position = repetition(of: key, after: context.mark, in: text)
            return ScenarioError(
                file: file, line: position.line, column: position.column, field: key, kind: .duplicate,
                message: "duplicate field \"\(key)\"")
        case .reader(let problem, _, _, _):
            return ScenarioError(
                file: file, line: 1, column: 1, field: "", kind: .syntax, message: "not valid YAML: \(problem)")
        default:
            let text = "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable"
            return ScenarioError(
                file: file, line: 1, column: 1, field: "", kind: .syntax, message: "not valid YAML: \(text)")
        }
    }

    /// The position of the next line after `mark` that starts, at the same column, with `key:`; `mark` itself
    /// when there is none (a flow mapping, say).
    private static func repetition(of key: String, after mark: Mark, in text: String) -> SourcePosition {
        // Lines as libyaml counts them: a CR alone, a NEL or a line separator ends one too.
        let lines = text.split(omittingEmptySubsequences: false) {
            $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}"
        }
        guard mark.line >= 1, mark.line < lines.count else { return SourcePosition(line: max(mark.line, 1), column: mark.column) }
        for index in mark.line..<lines.count {
            let line = lines[index]
            let indentation = line.prefix { $0 == " " }.count
            let rest = line.dropFirst(indentation)
            if indentation + 1 == mark.column, rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") {
                return SourcePosition(line: index + 1, column: mark.column)
            }
        }
        return SourcePosition(line: mark.line, column: mark.column)
    }

    /// The deepest a YAML file may nest its collections, block and flow together.
    static let maximumDepth = 200
}
