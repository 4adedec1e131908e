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
        guard let format = Format(path: path) else { throw .unsupportedFormat(file: path) }
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > DocumentLimits.maxFileBytes {
                throw ScenarioError.tooLarge(
                    file: path, reason: "\(size) bytes; scenario files are limited to \(DocumentLimits.maxFileBytes) bytes")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw .unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        return try parse(data, format: format, source: path)
    }

    /// Parses and validates a scenario held in memory; `source` names it in errors.
    public static func parse(_ data: Data, format: Format, source: String) throws(ScenarioError) -> Scenario {
        guard data.count <= DocumentLimits.maxFileBytes else {
            throw .tooLarge(file: source, reason: "\(data.count) bytes; the limit is \(DocumentLimits.maxFileBytes)")
        }
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
            }
        } catch {
            throw .syntax(file: source, message: "\(error)")
        }
        var reader = ScenarioReader()
        let scenario = reader.scenario(document)
        var issues = reader.issues
        if let scenario {
            issues += ScenarioValidator.issues(in: scenario, complete: !reader.lossy, paths: reader.paths)
        }
        guard let scenario, issues.isEmpty else {
            throw .invalid(file: source, issues: issues.isEmpty ? [ScenarioIssue(path: "", message: "unusable")] : issues)
        }
        return scenario
    }
}

extension String {
    /// Decodes UTF-8, refusing invalid sequences instead of repairing them.
    init?(validatingUTF8Data data: Data) {
        guard let s = String(bytes: data, encoding: .utf8) else { return nil }
        self = s
    }
}
