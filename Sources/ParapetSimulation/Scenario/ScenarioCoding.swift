import ParapetCore
/// Decoding and encoding helpers shared by the scenario model: tagged values (a name or a mapping with one key
/// naming the variant) and problems located by coding path. Durations are text (ParapetCore's
/// `decodeDuration(_:)`).
extension KeyedDecodingContainer {
    /// The path of `key` in this container, for problems.
    func path(_ key: Key) -> ScenarioPath {
        ScenarioPath(codingPath: codingPath + [key])
    }

    func problem(_ key: Key, _ kind: ScenarioError.Kind, _ message: String) -> ScenarioProblem {
        ScenarioProblem(path: path(key), kind: kind, message: message)
    }

    func decodeValue<T: Decodable>(_ key: Key, default value: T) throws -> T {
        guard contains(key), try !decodeNil(forKey: key) else { return value }
        return try decode(T.self, forKey: key)
    }

    func decodeOptional<T: Decodable>(_ key: Key) throws -> T? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decode(T.self, forKey: key)
    }
}

/// A value written either as a bare name (`healthy`) or as a mapping with a single key naming the variant
/// (`errors: {rate: 0.2}`).
struct TaggedValue {
    let tag: String
    let isBare: Bool
    let container: KeyedDecodingContainer<NameKey>?
    let path: ScenarioPath
    /// The decoder the value was read from.
    let decoder: any Decoder

    /// Reads the tag of a tagged value; `what` names the kind of value for messages ("behaviour"), `tags` are
    /// the accepted variant names.
    static func read(from decoder: any Decoder, what: String, tags: [String]) throws -> TaggedValue {
        let path = ScenarioPath(codingPath: decoder.codingPath)
        if let single = try? decoder.singleValueContainer(), !single.decodeNil(), let name = try? single.decode(String.self) {
            guard tags.contains(name) else {
                throw ScenarioProblem(
                    path: path, kind: .unknownReference,
                    message: "unknown \(what) \"\(name)\" in \(path.containerName) (expected one of: "
                        + tags.joined(separator: ", ") + ")")
            }
            return TaggedValue(tag: name, isBare: true, container: nil, path: path, decoder: decoder)
        }
        let container = try decoder.container(keyedBy: NameKey.self)
        let keys = container.allKeys
        guard keys.count == 1, let key = keys.first else {
            throw ScenarioProblem(
                path: path, kind: .wrongType,
                message: "\(path.containerName) must name exactly one \(what) (one of: "
                    + tags.joined(separator: ", ") + "), found \(keys.count)")
        }
        guard tags.contains(key.stringValue) else {
            throw ScenarioProblem(
                path: path.appending(key.stringValue), kind: .unknownReference,
                message: "unknown \(what) \"\(key.stringValue)\" in \(path.containerName) (expected one of: "
                    + tags.joined(separator: ", ") + ")",
                pointsAtKey: true)
        }
        return TaggedValue(tag: key.stringValue, isBare: false, container: container, path: path, decoder: decoder)
    }

    /// The variant's payload decoded as `T`; a bare name, or a null payload, decodes from an empty mapping.
    func payload<T: Decodable>(_ type: T.Type) throws -> T {
        guard let container, try !container.decodeNil(forKey: NameKey(tag)) else {
            return try T(from: decoder.emptyMapping(at: path.codingKeys + [NameKey(tag)]))
        }
        return try container.decode(T.self, forKey: NameKey(tag))
    }

    /// The variant's payload as a duration.
    func durationPayload() throws -> Duration {
        guard let container else {
            throw ScenarioProblem(path: path, kind: .wrongType, message: "\(tag) in \(path.containerName) needs a duration")
        }
        return try container.decodeDuration(NameKey(tag))
    }

    /// Whether the payload is absent or null.
    var hasPayload: Bool {
        guard let container else { return false }
        return (try? container.decodeNil(forKey: NameKey(tag))) == false
    }
}

extension ScenarioPath {
    var codingKeys: [any CodingKey] {
        components.map { component -> any CodingKey in
            switch component {
            case .key(let key): NameKey(key)
            case .index(let index): IndexKey(index)
            }
        }
    }
}

/// A decoder reading a scenario document that knows where each of its values sits (the loaders' decoder in
/// `ParapetScenarios`). Decoding with one, the model throws its problems as ``ScenarioProblem``s for the
/// loader to locate by line and column, rather than as `DecodingError`s.
package protocol ScenarioDocumentDecoder: Decoder {
    /// A decoder of an empty mapping at `codingPath`, so that `healthy` and `healthy: {}` mean the same.
    func emptyMapping(at codingPath: [any CodingKey]) -> any Decoder

    /// This decoder without the mapping keys `keys`: the part of a mapping left to another type, which
    /// refuses keys it does not know (naming `keys` among those it does).
    func excluding(_ keys: [String]) -> any Decoder
}

extension Decoder {
    /// A decoder of an empty mapping at `codingPath`: the document decoder's own, or — for any other decoder,
    /// whose problems are `DecodingError`s anyway — one that finds every key missing.
    func emptyMapping(at codingPath: [any CodingKey]) -> any Decoder {
        (self as? any ScenarioDocumentDecoder)?.emptyMapping(at: codingPath) ?? EmptyMappingDecoder(codingPath: codingPath)
    }

    /// This decoder without the mapping keys `keys`: the document decoder's own, or this one — any other
    /// decoder ignores keys a type does not ask for.
    func excluding(_ keys: [String]) -> any Decoder {
        (self as? any ScenarioDocumentDecoder)?.excluding(keys) ?? self
    }
}

/// Encodes a tagged value: a bare name, or a single-key mapping around `payload`.
func encodeTagged(_ tag: String, to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(tag)
}

func encodeTagged<Payload: Encodable>(_ tag: String, _ payload: Payload, to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: NameKey.self)
    try container.encode(payload, forKey: NameKey(tag))
}

func encodeTaggedDuration(_ tag: String, _ duration: Duration, to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: NameKey.self)
    try container.encodeDuration(duration, forKey: NameKey(tag))
}
