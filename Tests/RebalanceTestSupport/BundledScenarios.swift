import Foundation

/// The repository's root folder (the one holding `Package.swift`).
public let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The folder of bundled scenarios.
public let scenariosDirectory = packageRoot.appendingPathComponent("scenarios")

/// The bundled scenario files (`.yaml`, `.yml`, `.json`), by file name, sorted: the one list every
/// test that runs "every bundled scenario" uses.
public let bundledScenarios: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: scenariosDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }.sorted()
}()

/// The path of one bundled scenario.
public func bundledScenarioPath(_ file: String) -> String {
    scenariosDirectory.appendingPathComponent(file).path
}
