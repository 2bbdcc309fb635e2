import ParapetSimulation
/// A `Decoder` over a ``ScenarioNode`` tree. It reports problems as ``ScenarioProblem``s carrying the path of
/// the offending value, rejects unknown keys for every `CaseIterable` key type, and reads plain scalars as
/// numbers and booleans only when asked for one.
struct ScenarioNodeDecoder: ScenarioDocumentDecoder {
    let node: ScenarioNode
    let codingPath: [any CodingKey]
    /// Keys of the mapping that another type read, listed first among the known ones in an unknown-field
    /// error.
    var excludedKeys: [String] = []

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: ScenarioNode, codingPath: [any CodingKey] = []) {
        self.node = node
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let entries: [ScenarioNode.Entry]
        switch node {
        case .mapping(let found, _):
            entries = found
        case _ where node.isNull:
            entries = []
        default:
            throw Self.wrongType(path: codingPath, expected: "a mapping", found: node)
        }
        if let iterable = Key.self as? any CaseIterable.Type {
            let known = excludedKeys + Self.names(of: iterable)
            for entry in entries where !known.contains(entry.key) {
                let path = ScenarioPath(codingPath: codingPath)
                throw ScenarioProblem(
                    path: path.appending(entry.key), kind: .unknownField,
                    message: "unknown field \"\(entry.key)\" in \(path.containerName) (expected one of: "
                        + known.joined(separator: ", ") + ")",
                    pointsAtKey: true)
            }
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(entries: entries, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch node {
        case .sequence(let items, _):
            return UnkeyedContainer(items: items, codingPath: codingPath)
        case _ where node.isNull:
            return UnkeyedContainer(items: [], codingPath: codingPath)
        default:
            throw Self.wrongType(path: codingPath, expected: "a list", found: node)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath)
    }

    func emptyMapping(at codingPath: [any CodingKey]) -> any Decoder {
        ScenarioNodeDecoder(node: .mapping([], SourcePosition(line: 1, column: 1)), codingPath: codingPath)
    }

    func excluding(_ keys: [String]) -> any Decoder {
        guard case .mapping(let entries, let position) = node else { return self }
        var decoder = ScenarioNodeDecoder(node: .mapping(entries.filter { !keys.contains($0.key) }, position), codingPath: codingPath)
        decoder.excludedKeys = excludedKeys + keys
        return decoder
    }

    private static func names<Keys: CaseIterable>(of type: Keys.Type) -> [String] {
        Keys.allCases.compactMap { ($0 as? any CodingKey)?.stringValue }
    }

    /// "wrong type for "rate" in workload: expected a number, found the string "fast"".
    static func wrongType(path codingPath: [any CodingKey], expected: String, found: ScenarioNode) -> ScenarioProblem {
        let path = ScenarioPath(codingPath: codingPath)
        return ScenarioProblem(
            path: path, kind: .wrongType,
            message: "wrong type for \(path.fieldName): expected \(expected), found \(found.kindDescription)")
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let entries: [ScenarioNode.Entry]
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        entries.compactMap { Key(stringValue: $0.key) }
    }

    func contains(_ key: Key) -> Bool {
        entries.contains { $0.key == key.stringValue }
    }

    private func node(_ key: Key) throws -> ScenarioNode {
        guard let entry = entries.first(where: { $0.key == key.stringValue }) else {
            let path = ScenarioPath(codingPath: codingPath)
            throw ScenarioProblem(
                path: path, kind: .missingField, message: "missing field \"\(key.stringValue)\" in \(path.containerName)")
        }
        return entry.value
    }

    private func decoder(_ key: Key) throws -> ScenarioNodeDecoder {
        ScenarioNodeDecoder(node: try node(key), codingPath: codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try node(key).isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: decoder(key))
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try T(type, decoder(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try T(type, decoder(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try T(type, decoder(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try T(type, decoder(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try T(type, decoder(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try T(type, decoder(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try T(type, decoder(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try T(type, decoder(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try T(type, decoder(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try T(type, decoder(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try T(type, decoder(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try T(type, decoder(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try T(type, decoder(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try T(type, decoder(key)) }

    private func T<Value: Decodable>(_ type: Value.Type, _ decoder: ScenarioNodeDecoder) throws -> Value {
        try decoder.singleValueContainer().decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ScenarioNodeDecoder(node: .mapping(entries, SourcePosition(line: 1, column: 1)), codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try decoder(key)
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let items: [ScenarioNode]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [ScenarioNode], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func nextDecoder() throws -> ScenarioNodeDecoder {
        guard currentIndex < items.count else {
            let path = ScenarioPath(codingPath: codingPath)
            throw ScenarioProblem(path: path, kind: .missingField, message: "too few items in \(path.containerName)")
        }
        let decoder = ScenarioNodeDecoder(node: items[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return decoder
    }

    mutating func decodeNil() throws -> Bool {
        guard currentIndex < items.count, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: nextDecoder())
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try nextDecoder().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try nextDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try nextDecoder()
    }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let node: ScenarioNode
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        node.isNull
    }

    private func text(_ expected: String) throws -> (String, isPlain: Bool) {
        guard case .scalar(let text, _, let isPlain) = node, !node.isNull else {
            throw ScenarioNodeDecoder.wrongType(path: codingPath, expected: expected, found: node)
        }
        return (text, isPlain)
    }

    func decode(_ type: String.Type) throws -> String {
        try text("a string").0
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        let (text, isPlain) = try text("true or false")
        switch (text, isPlain) {
        case ("true", true): return true
        case ("false", true): return false
        default: throw ScenarioNodeDecoder.wrongType(path: codingPath, expected: "true or false", found: node)
        }
    }

    func decode(_ type: Double.Type) throws -> Double {
        let (text, isPlain) = try text("a number")
        guard isPlain, let value = Double(text.replacingUnderscores), value.isFinite else {
            throw ScenarioNodeDecoder.wrongType(path: codingPath, expected: "a number", found: node)
        }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float {
        Float(try decode(Double.self))
    }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        let (text, isPlain) = try text("a whole number")
        guard isPlain, let value = I(text.replacingUnderscores) else {
            throw ScenarioNodeDecoder.wrongType(path: codingPath, expected: "a whole number", found: node)
        }
        return value
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: ScenarioNodeDecoder(node: node, codingPath: codingPath))
    }
}

extension String {
    /// `1_000` → `1000`, as YAML writes large numbers.
    fileprivate var replacingUnderscores: String {
        contains("_") ? String(filter { $0 != "_" }) : self
    }
}
