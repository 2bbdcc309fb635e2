// Per-request cost of ParapetAuthn's JWT authenticator.
//
//   Authn/JWT <alg> (cold cache)     the whole `JWT` handler in front of an endpoint returning a prebuilt
//                                    response, the verified-token cache off: token extraction, compact
//                                    parsing, key selection, the signature check (jwt-kit on swift-crypto),
//                                    claims parsing and checks. The signature dominates, so its inverse is
//                                    the verifications per second of each algorithm.
//   Authn/JWT <alg> (warm cache)     the same with the cache on and the token already verified: a SHA-256 of
//                                    the token, one lock, an expiry check.
//
// The tokens are signed here with swift-crypto. The handler runs on real clocks (`BenchmarkRuntime.swift`):
// reading the wall clock for `exp` is part of a request's cost. Each sample runs `scalingFactor` (1000)
// requests; the text output divides by it, so the numbers printed are per request.

import Benchmark
import Crypto
import CryptoExtras
import HTTPTypes
import Logging
import ParapetAuthn
import ParapetCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CPU time (user + system) of the whole process, in nanoseconds per request once scaled.
let cpuTime = BenchmarkMetric.custom("CPU time (total, ns)")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, cpuTime, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 200
    )
    let signers = Signers()
    for algorithm in ["HS256", "RS256", "ES256", "EdDSA"] {
        for warm in [false, true] {
            Benchmark("Authn/JWT \(algorithm) (\(warm ? "warm" : "cold") cache)") { benchmark in
                try await run(benchmark, token: signers.token(algorithm), keys: try signers.keys(), warm: warm)
            }
        }
    }
}

/// The keys, made once, and tokens signed with them.
struct Signers: Sendable {
    let secret = Array("a-32-byte-secret-for-benchmarks!".utf8)
    let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    let p256 = P256.Signing.PrivateKey()
    let ed25519 = Curve25519.Signing.PrivateKey()

    func keys() throws -> [JWT.Key] {
        [
            try .hmac(secret: secret, algorithm: .hs256, kid: "HS256"),
            try .rsa(pem: rsa.publicKey.pemRepresentation, algorithm: .rs256, kid: "RS256"),
            try .ecdsa(pem: p256.publicKey.pemRepresentation, algorithm: .es256, kid: "ES256"),
            try .jwk(
                .object([
                    ("kty", .string("OKP")), ("crv", .string("Ed25519")), ("kid", .string("EdDSA")),
                    ("x", .string(base64URL(Array(ed25519.publicKey.rawRepresentation)))),
                ])),
        ]
    }

    func token(_ algorithm: String) throws -> String {
        let header = base64URL(Array(#"{"alg":"\#(algorithm)","kid":"\#(algorithm)","typ":"JWT"}"#.utf8))
        let payload = base64URL(
            Array(#"{"sub":"bench","iss":"https://issuer.example","aud":"api","exp":4102444800}"#.utf8))
        let input = Array((header + "." + payload).utf8)
        let signature: [UInt8]
        switch algorithm {
        case "HS256": signature = Array(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: secret)))
        case "RS256":
            signature = Array(
                try rsa.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
        case "ES256": signature = Array(try p256.signature(for: input).rawRepresentation)
        default: signature = Array(try ed25519.signature(for: input))
        }
        return header + "." + payload + "." + base64URL(signature)
    }
}

func base64URL(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    var output = ""
    var index = 0
    while index < bytes.count {
        let chunk = Array(bytes[index..<min(index + 3, bytes.count)]) + [0, 0]
        let value = Int(chunk[0]) << 16 | Int(chunk[1]) << 8 | Int(chunk[2])
        for position in 0..<(min(3, bytes.count - index) + 1) {
            output.append(alphabet[(value >> (18 - 6 * position)) & 0x3F])
        }
        index += 3
    }
    return output
}

/// Benchmarks one request with `token` through a `JWT` authenticator with `keys`.
func run(_ benchmark: Benchmark, token: String, keys: [JWT.Key], warm: Bool) async throws {
    let logger = Logger(label: "parapet.benchmarks") { _ in SwiftLogNoOpLogHandler() }
    let response = Response.text("ok\n")
    let options = JWT.Options(
        algorithms: [.hs256, .rs256, .es256, .edDSA], issuers: ["https://issuer.example"], audiences: ["api"],
        cachedTokens: warm ? 1000 : 0)
    let handler = try JWT(keys: .fixed(keys), options: options)
        .wrap(Endpoint { _, _ in response }, in: ChainEnvironment(runtime: benchmarkRuntime, logger: logger))
    let request = Request(
        head: HTTPRequest(
            method: .get, scheme: "http", authority: "example.com", path: "/",
            headerFields: [.authorization: "Bearer " + token]))
    let context = RequestContext(connection: ConnectionInfo(peer: nil), logger: logger, runtime: benchmarkRuntime)
    guard try await handler.handle(request, context: context).status == .ok else { throw AuthnBenchmarkError.rejected }
    benchmark.startMeasurement()
    let cpuAtStart = processCPUTimeNanoseconds()
    for _ in benchmark.scaledIterations {
        blackHole(try await handler.handle(request, context: context))
    }
    benchmark.measurement(cpuTime, processCPUTimeNanoseconds() - cpuAtStart)
    benchmark.stopMeasurement()
}

/// User plus system CPU time consumed by this process so far.
private func processCPUTimeNanoseconds() -> Int {
    var usage = rusage()
    #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    func nanoseconds(_ time: timeval) -> Int { Int(time.tv_sec) * 1_000_000_000 + Int(time.tv_usec) * 1_000 }
    return nanoseconds(usage.ru_utime) + nanoseconds(usage.ru_stime)
}

enum AuthnBenchmarkError: Error {
    case rejected
}
