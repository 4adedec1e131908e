import Foundation

/// One problem with a scenario, at a field path such as `accounts[1].lots[3].shares`.
public struct ScenarioIssue: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Why a scenario could not be used. Every case names the file it concerns.
public enum ScenarioError: Error, Sendable, Equatable {
    case unreadable(file: String, reason: String)
    case unsupportedFormat(file: String)
    case tooLarge(file: String, reason: String)
    case syntax(file: String, message: String)
    /// Every problem found, one per field.
    case invalid(file: String, issues: [ScenarioIssue])

    public var file: String {
        switch self {
        case .unreadable(let file, _), .unsupportedFormat(let file), .tooLarge(let file, _),
            .syntax(let file, _), .invalid(let file, _):
            file
        }
    }

    /// One line per problem, each starting with the file.
    public var lines: [String] {
        switch self {
        case .unreadable(let file, let reason): ["\(file): cannot read the file: \(reason)"]
        case .unsupportedFormat(let file): ["\(file): unsupported file type; use .yaml, .yml or .json"]
        case .tooLarge(let file, let reason): ["\(file): too large: \(reason)"]
        case .syntax(let file, let message): ["\(file): \(message)"]
        case .invalid(let file, let issues): issues.map { "\(file): \($0)" }
        }
    }
}

extension ScenarioError: LocalizedError {
    public var errorDescription: String? { lines.joined(separator: "\n") }
}
