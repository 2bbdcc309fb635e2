import ParapetSimulation
/// A line and column in a scenario file, both 1-based.
struct SourcePosition: Sendable, Hashable {
    var line: Int
    var column: Int
}

/// A parsed scenario document — YAML or JSON — with the position of every value and key, so that decoding
/// and validation errors can name the line and column.
indirect enum ScenarioNode: Sendable {
    /// One entry of a mapping, in document order.
    struct Entry: Sendable {
        var key: String
        var keyPosition: SourcePosition
        var value: ScenarioNode
    }

    /// A scalar; `isPlain` is false for quoted strings, which are never null, numbers or booleans.
    case scalar(String, SourcePosition, isPlain: Bool)
    case mapping([Entry], SourcePosition)
    case sequence([ScenarioNode], SourcePosition)

    var position: SourcePosition {
        switch self {
        case .scalar(_, let position, _), .mapping(_, let position), .sequence(_, let position): position
        }
    }

    /// Whether this is a plain `null`, `~` or empty scalar.
    var isNull: Bool {
        if case .scalar(let text, _, true) = self {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    /// A description of the shape for "found …" messages.
    var kindDescription: String {
        switch self {
        case .scalar(let text, _, let isPlain):
            if isNull { return "null" }
            if isPlain, Int64(text) != nil || Double(text) != nil { return "the number \(text)" }
            if isPlain, text == "true" || text == "false" { return "the boolean \(text)" }
            return "the string \"\(text)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    /// The value of `key` in a mapping.
    func value(forKey key: String) -> ScenarioNode? {
        guard case .mapping(let entries, _) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The position of the node at `path`, or of its deepest existing ancestor; with `atKey`, the position of
    /// the last key itself.
    func position(of path: ScenarioPath, atKey: Bool) -> SourcePosition {
        var node = self
        var position = self.position
        for (offset, component) in path.components.enumerated() {
            let isLast = offset == path.components.count - 1
            switch (component, node) {
            case (.key(let key), .mapping(let entries, _)):
                guard let entry = entries.first(where: { $0.key == key }) else { return position }
                if isLast && atKey { return entry.keyPosition }
                node = entry.value
                position = entry.value.position
            case (.index(let index), .sequence(let items, _)):
                guard items.indices.contains(index) else { return position }
                node = items[index]
                position = node.position
            default:
                return position
            }
        }
        return position
    }
}
