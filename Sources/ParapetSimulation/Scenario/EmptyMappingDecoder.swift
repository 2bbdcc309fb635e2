/// An empty mapping at `codingPath`, for decoders other than the scenario document's: every key is missing,
/// so a type with only optional fields decodes to its defaults and one with a required field names it.
struct EmptyMappingDecoder: Decoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(NoKeys<Key>(codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "expected a list, found a mapping"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected a value, found a mapping"))
    }
}

/// The keyed container of an empty mapping.
private struct NoKeys<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let codingPath: [any CodingKey]
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { false }

    private func missing(_ key: Key) -> DecodingError {
        .keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing field \"\(key.stringValue)\""))
    }

    func decodeNil(forKey key: Key) throws -> Bool { throw missing(key) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { throw missing(key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { throw missing(key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { throw missing(key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw missing(key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { throw missing(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw missing(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw missing(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { throw missing(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { throw missing(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw missing(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw missing(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw missing(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { throw missing(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { throw missing(key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { throw missing(key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        throw missing(key)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw missing(key) }
    func superDecoder() -> any Decoder { EmptyMappingDecoder(codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw missing(key) }
}
