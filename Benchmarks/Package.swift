// swift-tools-version: 6.1
// Benchmarks for rebalance, kept apart from the root package so that `swift test` there does not
// build them. Run with `make bench`, or:
//   cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
import Foundation
import PackageDescription

let package = Package(
    name: "RebalanceBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "rebalance", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "RebalanceBenchmarks",
            dependencies: [
                .product(name: "Rebalancing", package: "rebalance"),
                .product(name: "GLPKSolver", package: "rebalance"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RebalanceBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)

// Planning time with and without order rules over many generated households
// (OrderRulesTiming/main.swift says how to run it). Only with ORDER_RULES_TIMING set: the
// benchmark plugin runs every executable target of the package as a benchmark.
if ProcessInfo.processInfo.environment["ORDER_RULES_TIMING"] != nil {
    package.targets.append(
        .executableTarget(
            name: "OrderRulesTiming",
            dependencies: [
                .product(name: "Rebalancing", package: "rebalance"),
                .product(name: "GLPKSolver", package: "rebalance"),
            ],
            path: "OrderRulesTiming"
        ))
}
