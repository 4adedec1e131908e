import Foundation

/// Reads and validates scenario files (YAML or JSON, by extension).
public enum ScenarioLoader {
    public enum Format: Sendable {
        case yaml, json
        public init?(path: String) {
            switch (path as NSString).pathExtension.lowercased() {
            case "yaml", "yml": self = .yaml
            case "json": self = .json
            default: return nil
            }
        }
    }

    /// Loads `path`; every problem found is in the thrown error, each naming the file.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        try loadHousehold(path: path).scenario
    }

    /// Loads `path` as ``load(path:)`` does, with the household the validation built (built once,
    /// not again for planning).
    public static func loadHousehold(path: String) throws(ScenarioError) -> Household {
        let data = try read(path: path)
        return try parseHousehold(data, format: Format(path: path) ?? .json, source: path)
    }

    /// The bytes of a scenario file: a regular file (a directory, FIFO or device is refused by
    /// what it is, whatever its name) with a scenario extension, of at most the size limit.
    public static func read(path: String) throws(ScenarioError) -> Data {
        if let problem = RegularFile.problem(path) { throw .unreadable(file: path, reason: problem) }
        guard Format(path: path) != nil else { throw .unsupportedFormat(file: path) }
        do {
            return try RegularFile.read(path, limit: DocumentLimits.maxFileBytes)
        } catch {
            if error.tooLarge {
                throw .tooLarge(
                    file: path,
                    reason: error.reason.replacingOccurrences(of: "the limit is", with: "scenario files are limited to"))
            }
            throw .unreadable(file: path, reason: error.reason)
        }
    }

    /// Parses and validates a scenario held in memory; `source` names it in errors.
    public static func parse(_ data: Data, format: Format, source: String) throws(ScenarioError) -> Scenario {
        try parseHousehold(data, format: format, source: source).scenario
    }

    /// Parses and validates as ``parse(_:format:source:)`` does, returning the household the
    /// validation built: the batch and every command plan from it instead of building it again.
    public static func parseHousehold(_ data: Data, format: Format, source: String) throws(ScenarioError) -> Household {
        guard data.count <= DocumentLimits.maxFileBytes else {
            throw .tooLarge(file: source, reason: "\(data.count) bytes; the limit is \(DocumentLimits.maxFileBytes)")
        }
        if format == .json, let household = typicalHousehold(data) { return household }
        let document: Document
        do {
            switch format {
            case .yaml:
                guard let text = String(validatingUTF8Data: data) else {
                    throw DocumentError.syntax("the file is not valid UTF-8 text")
                }
                document = try Document.parseYAML(text)
            case .json:
                guard String(validatingUTF8Data: data) != nil else {
                    throw DocumentError.syntax("the file is not valid UTF-8 text")
                }
                document = try Document.parseJSON(data)
            }
        } catch let error as DocumentError {
            switch error {
            case .syntax(let message): throw .syntax(file: source, message: message)
            case .tooLarge(let reason): throw .tooLarge(file: source, reason: reason)
            case .invalid(let path, let message): throw .invalid(file: source, issues: [ScenarioIssue(path: path, message: message)])
            }
        } catch {
            throw .syntax(file: source, message: "\(error)")
        }
        var reader = ScenarioReader()
        let scenario = reader.scenario(document)
        var issues = reader.issues
        var household: Household?
        if let scenario {
            let refused = Set(reader.refusedPrices.map { "no price for \"\($0)\" in prices" })
            let checked = ScenarioValidator.check(scenario, complete: !reader.lossy, paths: reader.paths)
            issues += checked.issues.filter { !refused.contains($0.message) }
            household = checked.household
        }
        guard let scenario, issues.isEmpty else {
            throw .invalid(file: source, issues: issues.isEmpty ? [ScenarioIssue(path: "", message: "unusable")] : issues)
        }
        return household ?? Household(scenario)
    }
}

extension ScenarioLoader {
    /// A typical household's JSON read the short way (``JSONParser/typicalScenario(_:)``) and
    /// validated; nil when that way gives up or the validator has something to say: the full way
    /// then reads it again and reports every problem with its path.
    static func typicalHousehold(_ data: Data) -> Household? {
        guard String(validatingUTF8Data: data) != nil, let scenario = JSONParser.typicalScenario([UInt8](data)) else {
            return nil
        }
        // Every account and lot was kept, each at its own place in the file.
        let paths = ScenarioPaths(
            accounts: Array(scenario.accounts.indices), lots: scenario.accounts.map { Array($0.lots.indices) })
        let checked = ScenarioValidator.check(scenario, complete: true, paths: paths)
        guard checked.issues.isEmpty else { return nil }
        return checked.household ?? Household(scenario)
    }
}

extension String {
    /// Decodes UTF-8, refusing invalid sequences instead of repairing them.
    init?(validatingUTF8Data data: Data) {
        guard let s = String(bytes: data, encoding: .utf8) else { return nil }
        self = s
    }
}
