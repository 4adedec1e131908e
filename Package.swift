// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "rebalance",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rebalance", targets: ["rebalance"]),
        .library(name: "Rebalancing", targets: ["Rebalancing"]),
        .library(name: "GLPKSolver", targets: ["GLPKSolver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        // `swift package generate-documentation --target Rebalancing` (make docs); no code of it is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGLPK",
            path: "Sources/GLPK/CGLPK",
            providers: [.apt(["libglpk-dev"])]
        ),
        // Solver-neutral: the model as plain values, the session protocols, the MIP safeguards.
        .target(name: "LinearProgramming"),
        // The GLPK backend: the only target that imports CGLPK.
        .target(name: "GLPKSolver", dependencies: ["LinearProgramming", "CGLPK"], path: "Sources/GLPK/GLPKSolver"),
        .target(name: "Rebalancing", dependencies: ["LinearProgramming", "Yams", "SwiftCSV"]),
        .target(
            name: "RebalanceCLI",
            dependencies: [
                "Rebalancing",
                "GLPKSolver",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "rebalance", dependencies: ["RebalanceCLI", "Rebalancing"]),
        // Shared by the test targets: bundled scenarios, scenario builders, the model oracle.
        .target(
            name: "RebalanceTestSupport",
            dependencies: ["Rebalancing", "GLPKSolver", "LinearProgramming"],
            path: "Tests/RebalanceTestSupport"
        ),
        .testTarget(name: "LinearProgrammingTests", dependencies: ["LinearProgramming", "GLPKSolver", "RebalanceTestSupport"]),
        .testTarget(
            name: "RebalancingTests",
            dependencies: [
                "Rebalancing", "GLPKSolver", "RebalanceTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "RebalanceCLITests", dependencies: ["RebalanceCLI", "Rebalancing", "RebalanceTestSupport", "rebalance"]),
    ],
    swiftLanguageModes: [.v6]
)
