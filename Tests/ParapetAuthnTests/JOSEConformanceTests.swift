import Foundation
import ParapetCore
import Testing

@testable import ParapetAuthn

/// The JOSE vectors in `Tests/Conformance/jose/vectors` (RFC 7515 appendix A, the RFC 7520 cookbook,
/// RFC 8037): each compact JWS a verifier must accept is accepted with its key, and copies with one byte of
/// header, payload or signature changed are refused. `PARAPET_JOSE_VECTORS` points elsewhere; a missing
/// folder fails the test.
@Suite("JOSE conformance vectors")
struct JOSEConformanceTests {
    static var folder: URL {
        if let path = ProcessInfo.processInfo.environment["PARAPET_JOSE_VECTORS"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Conformance/jose/vectors")
    }

    /// One compact JWS a verifier must accept.
    struct Vector: CustomTestStringConvertible, Sendable {
        let id: String
        let compact: String
        let jwk: JSONValue
        let algorithm: JWT.Algorithm
        let payload: [UInt8]
        var testDescription: String { id }
    }

    static func json(_ file: String) throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: folder.appendingPathComponent(file))))
    }

    static func appendixA() throws -> [JSONValue] {
        guard case .array(let entries)? = try json("rfc7515-appendix-a.json")["vectors"] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return entries
    }

    static func vectors() throws -> [Vector] {
        var vectors: [Vector] = []
        for entry in try appendixA() {
            guard let alg = entry["alg"]?.stringValue, let algorithm = JWT.Algorithm(rawValue: alg) else { continue }
            vectors.append(
                Vector(
                    id: entry["id"]!.stringValue!, compact: entry["compact"]!.stringValue!, jwk: entry["jwk"]!,
                    algorithm: algorithm, payload: Array(entry["payload_raw"]!.stringValue!.utf8)))
        }
        for file in [
            "rfc7520-cookbook/4_1.rsa_v15_signature.json", "rfc7520-cookbook/4_2.rsa-pss_signature.json",
            "rfc7520-cookbook/4_3.ecdsa_signature.json", "rfc7520-cookbook/4_4.hmac-sha2_integrity_protection.json",
            "rfc8037/ed25519-jws.json",
        ] {
            let entry = try json(file)
            let input = entry["input"]!
            vectors.append(
                Vector(
                    id: file, compact: entry["output"]!["compact"]!.stringValue!, jwk: input["key"]!,
                    algorithm: JWT.Algorithm(rawValue: input["alg"]!.stringValue!)!,
                    payload: Array(input["payload"]!.stringValue!.utf8)))
        }
        return vectors
    }

    /// The signature check alone: cookbook payloads are text, not claims.
    static func verifiedPayload(_ compact: String, key: JWT.Key) async throws -> [UInt8] {
        let ring = try await KeyRing.make([key], generation: 0)
        let token = try CompactToken(
            Array(compact.utf8), rules: .init(algorithms: [key.algorithm], maxTokenBytes: 1 << 16, maxHeaderBytes: 4096)
        )
        guard case .key(let entry) = ring.select(kid: token.kid, algorithm: token.algorithm) else {
            throw JWT.Rejection.unknownKeyID
        }
        return try token.payload(verifiedWith: entry)
    }

    static func key(for vector: Vector) throws -> JWT.Key {
        try JWT.Key.jwk(vector.jwk, algorithm: vector.algorithm, allowsSecret: true)
    }

    @Test("the vector folder holds the nine compact vectors this suite checks")
    func vectorsPresent() throws {
        #expect(try Self.vectors().count == 9)
    }

    @Test("each vector verifies with its key and yields its payload", arguments: try vectors())
    func accepted(_ vector: Vector) async throws {
        let key = try Self.key(for: vector)
        #expect(key.algorithm == vector.algorithm)
        #expect(try await Self.verifiedPayload(vector.compact, key: key) == vector.payload)
    }

    @Test("one changed byte in header, payload or signature is refused", arguments: try vectors())
    func tampered(_ vector: Vector) async throws {
        let key = try Self.key(for: vector)
        let segments = vector.compact.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
        for index in 0..<3 {
            var bytes = Base64URL.decode(segments[index])!
            bytes[bytes.count / 2] ^= 0x01
            var changed = segments
            changed[index] = Array(Base64URL.encode(bytes).utf8)
            let token = changed.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
            await #expect(throws: (any Error).self, "segment \(index)") {
                try await Self.verifiedPayload(token, key: key)
            }
        }
    }

    @Test("the RFC 7515 A.1–A.3 JWTs pass the whole authenticator before their 2011 expiry, and expire after")
    func appendixAAsJWTs() async throws {
        let issued = WallInstant(secondsSinceEpoch: 1_300_819_380 - 600)
        let jwts = try Self.vectors().filter { $0.id.hasPrefix("rfc7515") && $0.payload.first == UInt8(ascii: "{") }
        #expect(jwts.map(\.id) == ["rfc7515-a1", "rfc7515-a2", "rfc7515-a3"])  // A.4 signs the text "Payload"
        for vector in jwts {
            let key = try Self.key(for: vector)
            #expect(
                await Forge.rejection(of: vector.compact, keys: [key], algorithms: [vector.algorithm], at: issued)
                    == nil, "\(vector.id)")
            #expect(
                await Forge.rejection(of: vector.compact, keys: [key], algorithms: [vector.algorithm]) == .expired,
                "\(vector.id)")
        }
    }

    @Test("the unsecured A.5 JWT is refused even with the A.1 key configured")
    func appendixAUnsecured() async throws {
        let entries = try Self.appendixA()
        let a5 = try #require(entries.first { $0["id"] == .string("rfc7515-a5") })
        let a1 = try #require(entries.first { $0["id"] == .string("rfc7515-a1") })
        let key = try JWT.Key.jwk(a1["jwk"]!, algorithm: .hs256, allowsSecret: true)
        let issued = WallInstant(secondsSinceEpoch: 1_300_819_380 - 600)
        #expect(
            await Forge.rejection(of: a5["compact"]!.stringValue!, keys: [key], algorithms: [.hs256], at: issued)
                == .unsignedToken)
    }

    @Test("the cookbook's detached-content JWS is refused: a bearer token must carry its claims")
    func detachedContent() async throws {
        let entry = try Self.json("rfc7520-cookbook/4_5.signature_with_detached_content.json")
        let key = try JWT.Key.jwk(entry["input"]!["key"]!, allowsSecret: true)
        #expect(
            await Forge.rejection(of: entry["output"]!["compact"]!.stringValue!, keys: [key], algorithms: [.hs256])
                == .malformed)
    }
}
