// JOSE parsing for the JWT authenticator: the strict JSON reader (JSONValue.parse), strict base64url and the
// compact-token splitter (CompactToken) on arbitrary bytes, and the padded base64 of Basic credentials. Properties: nothing traps; a parsed object never
// holds a name twice; whatever either base64 decodes re-encodes to the same text (one spelling per byte string);
// a token that parses has a non-empty payload segment and an algorithm from the pinned set.
import FuzzSupport

@testable import ParapetAuthn

func checkUniqueNames(_ value: JSONValue) {
    switch value {
    case .object(let members):
        precondition(Set(members.map(\.name)).count == members.count, "duplicate names survived parsing")
        members.forEach { checkUniqueNames($0.value) }
    case .array(let values):
        values.forEach(checkUniqueNames)
    default:
        break
    }
}

fuzz { raw in
    var input = FuzzInput(raw)
    let bytes = input.remainingBytes
    if let value = try? JSONValue.parse(bytes) { checkUniqueNames(value) }
    if let decoded = Base64URL.decode(bytes) {
        precondition(Array(Base64URL.encode(decoded).utf8) == bytes, "base64url accepted a non-canonical spelling")
    }
    if let decoded = Base64URL.decodeStandard(bytes) {
        precondition(Array(Base64URL.encodeStandard(decoded).utf8) == bytes, "base64 accepted a non-canonical spelling")
    }
    let rules = CompactToken.Rules(algorithms: [.hs256, .es256, .edDSA], maxTokenBytes: 8192, maxHeaderBytes: 2048)
    if let token = try? CompactToken(bytes, rules: rules) {
        precondition(!token.payloadSegment.isEmpty, "an empty payload segment parsed")
        precondition(rules.algorithms.contains(token.algorithm), "an unpinned algorithm parsed")
    }
}
