// swift-tools-version: 6.1
// libFuzzer target for the scenario reader. Not part of the main package: build it with
//   swift build -c release --sanitize=fuzzer --package-path Fuzz
// and run the binary it prints (see the main README).
import PackageDescription

let package = Package(
    name: "rebalance-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "rebalance", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "ScenarioFuzzer",
            dependencies: [
                .product(name: "Rebalancing", package: "rebalance"),
                .product(name: "GLPKSolver", package: "rebalance"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
