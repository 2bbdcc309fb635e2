// swift-tools-version: 6.1
import PackageDescription

// Coverage-guided fuzzers (libFuzzer) for Parapet's hand-written parsers, kept in their own package so that
// the main package's build and test run never see them. Build and run them with `scripts/fuzz.sh`; see
// README.md in this folder for how to add one.
//
// The parsers are `internal`, so each harness reaches them with `@testable import`: scripts/fuzz.sh builds
// every module (Parapet's included) with `-enable-testing`, together with `-sanitize=fuzzer,address` so that
// the parsers themselves carry the coverage instrumentation libFuzzer steers by.

/// One harness: the executable `Sources/<name>/main.swift`, which hands its test to `fuzz { bytes in … }`
/// (FuzzSupport), linked with the Parapet products it exercises.
func harness(_ name: String, _ products: [String], nio: [String] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"]
            + products.map { .product(name: $0, package: "Parapet") }
            + nio.map { .product(name: $0, package: "swift-nio") }
    )
}

let package = Package(
    name: "ParapetFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Parapet", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        harness("FuzzProxyProtocol", ["ParapetNIO", "ParapetCore"]),
        harness("FuzzH2CUpgrade", ["ParapetNIO"], nio: ["NIOCore"]),
        harness("FuzzRESP", ["ParapetRedis"], nio: ["NIOCore"]),
        harness("FuzzRange", ["ParapetCore"]),
        harness("FuzzAcceptEncoding", ["ParapetCompression"]),
        harness("FuzzHTTPDate", ["ParapetCore"]),
        harness("FuzzScenario", ["ParapetScenarios", "ParapetSimulation"]),
        harness("FuzzTrace", ["ParapetScenarios", "ParapetSimulation"]),
        harness("FuzzForwardingHeaders", ["ParapetCore"]),
        harness("FuzzCacheDirectives", ["ParapetCache"]),
        harness("FuzzDiskEntry", ["ParapetCache", "ParapetCacheDisk", "ParapetCore"], nio: ["NIOCore"]),
        harness("FuzzPathNormalizer", ["ParapetCore", "ParapetMiddleware", "ParapetUpstream"]),
        harness("FuzzLinkHeader", ["ParapetMiddleware"]),
        harness("FuzzJOSE", ["ParapetAuthn"]),
        harness("FuzzHtpasswd", ["ParapetAuthn"]),
        harness("FuzzCEL", ["CEL"]),
    ]
)
