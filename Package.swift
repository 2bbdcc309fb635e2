// swift-tools-version: 6.1
import PackageDescription

/// Settings every Parapet module is compiled with: Swift 6 language mode (the tools default), strict
/// concurrency, and the upcoming features that keep existentials and imports explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Parapet",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Parapet", targets: ["Parapet"]),
        .library(name: "ParapetCore", targets: ["ParapetCore"]),
        .library(name: "ParapetMiddleware", targets: ["ParapetMiddleware"]),
        .library(name: "ParapetCache", targets: ["ParapetCache"]),
        .library(name: "ParapetCacheDisk", targets: ["ParapetCacheDisk"]),
        .library(name: "ParapetCompression", targets: ["ParapetCompression"]),
        .library(name: "ParapetRedis", targets: ["ParapetRedis"]),
        .library(name: "ParapetNIO", targets: ["ParapetNIO"]),
        .library(name: "ParapetRateLimit", targets: ["ParapetRateLimit"]),
        .library(name: "ParapetSimulation", targets: ["ParapetSimulation"]),
        .library(name: "ParapetScenarios", targets: ["ParapetScenarios"]),
        .library(name: "ParapetTesting", targets: ["ParapetTesting"]),
        .library(name: "ParapetUpstream", targets: ["ParapetUpstream"]),
        .library(name: "ParapetAuthn", targets: ["ParapetAuthn"]),
        .library(name: "CEL", targets: ["CEL"]),
        .executable(name: "parapet-example", targets: ["parapet-example"]),
        .executable(name: "parapet-sim", targets: ["parapet-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
    ],
    targets: [
        .target(
            name: "CEL",
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetCore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetMiddleware",
            dependencies: [
                "ParapetCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlienc", providers: [.apt(["libbrotli-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(
            name: "ParapetCache",
            dependencies: [
                "ParapetCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetCacheDisk",
            dependencies: [
                "ParapetCore",
                "ParapetCache",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetCompression",
            dependencies: [
                "ParapetCore",
                "CZlib",
                "CBrotli",
                "CZstd",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .target(
            name: "ParapetRedis",
            dependencies: [
                "ParapetCore",
                "ParapetCache",
                "ParapetRateLimit",
                "CHiredis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetUpstream",
            dependencies: [
                "ParapetCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetRateLimit",
            dependencies: [
                "ParapetCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .systemLibrary(name: "CCrypt", providers: [.apt(["libcrypt-dev"])]),
        .target(
            name: "ParapetAuthn",
            dependencies: [
                "ParapetCore",
                "ParapetUpstream",
                "CCrypt",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetSimulation",
            dependencies: [
                "ParapetCore",
                "ParapetCache",
                "ParapetRateLimit",
                "ParapetUpstream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetScenarios",
            dependencies: [
                "ParapetCore",
                "ParapetSimulation",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetTesting",
            dependencies: [
                "ParapetCore",
                "ParapetSimulation",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetNIO",
            dependencies: [
                "ParapetCore",
                "ParapetUpstream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP2", package: "swift-nio-extras"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Parapet",
            dependencies: [
                "ParapetCore", "ParapetMiddleware", "ParapetCache", "ParapetCacheDisk", "ParapetCompression", "ParapetRateLimit",
                "ParapetUpstream",
                "ParapetAuthn",
                "ParapetNIO",
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "parapet-example",
            dependencies: ["Parapet"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "parapet-sim",
            dependencies: [
                "ParapetScenarios",
                "ParapetSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SimulationFixtures",
            dependencies: ["ParapetCore", "ParapetSimulation"],
            path: "Tests/SimulationFixtures",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "determinism-probe",
            dependencies: ["ParapetSimulation", "SimulationFixtures"],
            path: "Tests/DeterminismProbe",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "parapet-test-server",
            dependencies: ["Parapet", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/TestServer",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "parapet-test-proxy",
            dependencies: ["Parapet"],
            path: "Tests/TestProxy",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "parapet-soak-server",
            dependencies: ["Parapet"],
            path: "Tests/SoakServer",
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetTestSupport",
            dependencies: [
                "ParapetCore",
                "ParapetNIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/ParapetTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CELTests",
            dependencies: ["CEL"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetCoreTests",
            dependencies: [
                "ParapetTestSupport",
                "ParapetTesting",
                "ParapetCore",
                "ParapetSimulation",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetCacheTests",
            dependencies: [
                "ParapetTestSupport",
                "ParapetTesting",
                "ParapetCache",
                "ParapetCacheDisk",
                "ParapetCore",
                "ParapetMiddleware",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetCompressionTests",
            dependencies: [
                "ParapetTestSupport",
                "ParapetTesting",
                "ParapetCompression",
                "ParapetCore",
                "ParapetSimulation",
                "Parapet",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetRedisTests",
            dependencies: [
                "ParapetTestSupport",
                "ParapetTesting",
                "ParapetRedis",
                "ParapetCache",
                "ParapetCore",
                "ParapetNIO",
                "ParapetRateLimit",
                "ParapetSimulation",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetMiddlewareTests",
            dependencies: [
                "ParapetTestSupport",
                "ParapetTesting",
                "ParapetMiddleware",
                "ParapetCore",
                "ParapetSimulation",
                "Parapet",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetRateLimitTests",
            dependencies: [
                "ParapetTestSupport",
                "ParapetTesting",
                "ParapetRateLimit",
                "ParapetCore",
                "ParapetSimulation",
                "Parapet",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetAuthnTests",
            dependencies: [
                "Parapet",
                "ParapetTestSupport",
                "ParapetTesting",
                "ParapetAuthn",
                "ParapetCore",
                "ParapetUpstream",
                "ParapetSimulation",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetUpstreamTests",
            dependencies: [
                "ParapetTestSupport",
                "ParapetTesting",
                "ParapetUpstream",
                "ParapetCore",
                "ParapetSimulation",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetSimulationTests",
            dependencies: [
                "ParapetTestSupport",
                "ParapetTesting",
                "ParapetScenarios",
                "ParapetSimulation",
                "SimulationFixtures",
                "determinism-probe",
                "parapet-sim",
                "ParapetUpstream",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetNIOTests",
            dependencies: [
                "ParapetTestSupport",
                "ParapetTesting",
                "Parapet",
                "parapet-example",
                "parapet-test-server",
                "parapet-test-proxy",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
