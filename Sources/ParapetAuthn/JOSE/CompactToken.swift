import JWTKit

/// A JWS in compact serialization, split and its header checked, but its signature not yet verified.
///
/// Every check that needs no key runs here, in the order that keeps work on hostile input small: sizes,
/// segment count, header encoding and JSON, `alg`, `crit`, `kid`, then the signature's encoding (so an
/// unsigned token is reported as one, whatever its third segment holds). Header members that name key sources (`jku`,
/// `x5u`, `jwk`, `x5c`) are never read: keys come only from configuration.
struct CompactToken {
    let algorithm: JWT.Algorithm
    let kid: String?
    /// `header.payload`, the bytes the signature covers.
    let signingInput: ArraySlice<UInt8>
    let payloadSegment: ArraySlice<UInt8>
    let signature: [UInt8]

    /// Limits and pins the parse applies.
    struct Rules {
        var algorithms: Set<JWT.Algorithm>
        var maxTokenBytes: Int
        var maxHeaderBytes: Int
    }

    init(_ token: [UInt8], rules: Rules) throws(JWT.Rejection) {
        guard token.count <= rules.maxTokenBytes else { throw .tooLarge }
        let dots = token.indices.filter { token[$0] == UInt8(ascii: ".") }
        guard dots.count == 2 else { throw .malformed }
        let headerSegment = token[..<dots[0]]
        let payloadSegment = token[(dots[0] + 1)..<dots[1]]
        let signatureSegment = token[(dots[1] + 1)...]
        guard !headerSegment.isEmpty else { throw .malformed }
        guard headerSegment.count <= rules.maxHeaderBytes else { throw .tooLarge }
        guard let headerBytes = Base64URL.decode(headerSegment) else { throw .badEncoding(.header) }
        let header: JSONValue
        do {
            header = try JSONValue.parse(headerBytes, maxDepth: 4)
        } catch {
            throw .malformedHeader
        }
        guard case .object = header else { throw .malformedHeader }
        guard let alg = header["alg"] else { throw .missingAlgorithm }
        guard let name = alg.stringValue else { throw .malformedHeader }
        if name.lowercased() == "none" { throw .unsignedToken }
        guard let algorithm = JWT.Algorithm(rawValue: name), rules.algorithms.contains(algorithm) else {
            throw .algorithmNotAllowed(name)
        }
        if header["crit"] != nil { throw .unsupportedCritical }
        let kid: String?
        switch header["kid"] {
        case nil: kid = nil
        case .string(let value)?: kid = value
        default: throw .malformedHeader
        }
        // A detached payload (RFC 7515 appendix F) carries no claims to check.
        guard !payloadSegment.isEmpty else { throw .malformed }
        guard let signature = Base64URL.decode(signatureSegment) else { throw .badEncoding(.signature) }
        self.algorithm = algorithm
        self.kid = kid
        self.signingInput = token[..<dots[1]]
        self.payloadSegment = payloadSegment
        self.signature = signature
    }

    /// Verifies the signature with `key` (which must be pinned to ``algorithm``) and returns the payload.
    /// Any error the crypto library throws — a DER signature where JOSE's raw `R‖S` belongs, an
    /// out-of-range scalar — is a bad signature.
    func payload(verifiedWith key: KeyRing.Entry) throws(JWT.Rejection) -> [UInt8] {
        guard key.algorithm == algorithm else { throw .algorithmMismatch }
        let isValid: Bool
        do {
            isValid = try key.verifier.verify(signature, signs: signingInput)
        } catch {
            throw .badSignature
        }
        guard isValid else { throw .badSignature }
        guard let payload = Base64URL.decode(payloadSegment) else { throw .badEncoding(.payload) }
        return payload
    }

    /// Verifies the signature with `key` and decodes the payload as a JWT claims set.
    func claims(verifiedWith key: KeyRing.Entry) throws(JWT.Rejection) -> JWT.Claims {
        let bytes = try payload(verifiedWith: key)
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw .malformedPayload
        }
        guard case .object(let members) = value else { throw .malformedPayload }
        return JWT.Claims(members: members)
    }
}
