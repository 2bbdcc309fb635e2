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
        .library(name: "ParapetNIO", targets: ["ParapetNIO"]),
        .library(name: "ParapetSimulation", targets: ["ParapetSimulation"]),
        .executable(name: "parapet-example", targets: ["parapet-example"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
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
            name: "ParapetSimulation",
            dependencies: ["ParapetCore"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParapetNIO",
            dependencies: [
                "ParapetCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Parapet",
            dependencies: ["ParapetCore", "ParapetNIO"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "parapet-example",
            dependencies: ["Parapet"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "determinism-probe",
            dependencies: ["ParapetSimulation"],
            path: "Tests/DeterminismProbe",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetCoreTests",
            dependencies: [
                "ParapetCore",
                "ParapetSimulation",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetSimulationTests",
            dependencies: ["ParapetSimulation", "determinism-probe"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParapetNIOTests",
            dependencies: [
                "Parapet",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
