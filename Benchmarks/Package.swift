// swift-tools-version: 6.1
import PackageDescription

// Benchmarks for Parapet, kept in their own package so that the main package does not depend on
// ordo-one/benchmark. Run with `swift package benchmark` from this directory (see README.md).
let package = Package(
    name: "ParapetBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Parapet", path: ".."),
        // The MallocInterposer trait gives the malloc metrics without jemalloc; naming the trait
        // explicitly also leaves out the default RuntimeInterposer trait, whose package is not needed.
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "parapet-hello",
            dependencies: [
                .product(name: "Parapet", package: "Parapet"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/parapet-hello"
        ),
        .executableTarget(
            name: "ProxyBench",
            dependencies: [
                .product(name: "Parapet", package: "Parapet"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/ProxyBench"
        ),
        .executableTarget(
            name: "parapet-sim-scale",
            dependencies: [
                .product(name: "ParapetScenarios", package: "Parapet"),
                .product(name: "ParapetSimulation", package: "Parapet"),
            ],
            path: "Sources/parapet-sim-scale"
        ),
        // The simulator's determinism workload is a test fixture of the main package; the benchmark compiles the
        // same file (a symbolic link) rather than a copy.
        .target(
            name: "DeterminismFixture",
            dependencies: [
                .product(name: "ParapetCore", package: "Parapet"),
                .product(name: "ParapetSimulation", package: "Parapet"),
            ],
            path: "Sources/DeterminismFixture"
        ),
        .executableTarget(
            name: "SimulatorBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ParapetSimulation", package: "Parapet"),
                "DeterminismFixture",
            ],
            path: "Benchmarks/SimulatorBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "ChainBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ParapetCore", package: "Parapet"),
                .product(name: "ParapetCache", package: "Parapet"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ParapetSimulation", package: "Parapet"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ChainBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "RateLimitBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ParapetCore", package: "Parapet"),
                .product(name: "ParapetRateLimit", package: "Parapet"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/RateLimitBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "RedisBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ParapetCore", package: "Parapet"),
                .product(name: "ParapetRateLimit", package: "Parapet"),
                .product(name: "ParapetRedis", package: "Parapet"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/RedisBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "ProxyBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Parapet", package: "Parapet"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ProxyBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "AuthnBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ParapetCore", package: "Parapet"),
                .product(name: "ParapetAuthn", package: "Parapet"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/AuthnBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "CELBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CEL", package: "Parapet"),
            ],
            path: "Benchmarks/CELBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "BalancerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ParapetCore", package: "Parapet"),
                .product(name: "ParapetUpstream", package: "Parapet"),
            ],
            path: "Benchmarks/BalancerBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
