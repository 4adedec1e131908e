import Foundation

/// One scenario of a batch, already read: a file's bytes, or one line of a JSON Lines input.
/// Reading is the caller's business (the CLI reads files and standard input); the batch only
/// turns items into lines.
public struct BatchItem: Sendable, Equatable {
    /// The input as named on the command line (`-` for standard input).
    public let file: String
    /// 1-based line number within a JSON Lines input.
    public let line: Int?
    /// The scenario's bytes (a JSON Lines line is JSON), or why they could not be read.
    public let content: Result<Data, ScenarioError>

    public init(file: String, line: Int?, content: Result<Data, ScenarioError>) {
        self.file = file
        self.line = line
        self.content = content
    }

    /// How the item is named in messages: `file` or `file:line`.
    public var source: String { line.map { "\(file):\($0)" } ?? file }

    /// The largest scenario (a file, or one JSON Lines line) read, in bytes.
    public static let maxBytes = DocumentLimits.maxFileBytes
}
