// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "rebalance",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rebalance", targets: ["rebalance"]),
        .library(name: "Rebalancing", targets: ["Rebalancing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CGLPK",
            path: "Sources/CGLPK",
            providers: [.apt(["libglpk-dev"])]
        ),
        .target(name: "LinearProgramming", dependencies: ["CGLPK"]),
        .target(name: "Rebalancing", dependencies: ["LinearProgramming", "Yams"]),
        .target(
            name: "RebalanceCLI",
            dependencies: [
                "Rebalancing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "rebalance", dependencies: ["RebalanceCLI"]),
        .testTarget(name: "LinearProgrammingTests", dependencies: ["LinearProgramming"]),
        .testTarget(
            name: "RebalancingTests",
            dependencies: ["Rebalancing", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "RebalanceCLITests", dependencies: ["RebalanceCLI", "Rebalancing", "rebalance"]),
    ],
    swiftLanguageModes: [.v6]
)
