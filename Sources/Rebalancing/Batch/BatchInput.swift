import Foundation

/// One scenario of a batch: a file, or one line of a JSON Lines file.
public struct BatchItem: Sendable, Equatable {
    public let file: String
    /// 1-based line number within a `.jsonl` input.
    public let line: Int?
    /// The line's text, for JSON Lines input.
    public let text: String?
}

/// The scenarios named by a batch's inputs, in order: files as given, directories recursively
/// (`.yaml`, `.yml`, `.json`, sorted by path), JSON Lines files (`.jsonl`) line by line, and
/// `-` for JSON Lines on standard input. Lines are read as they are needed.
public final class BatchInput {
    public enum Failure: Error, LocalizedError {
        case missing(String)
        case unsupported(String)
        public var errorDescription: String? {
            switch self {
            case .missing(let path): "\(path): no such file or directory"
            case .unsupported(let path): "\(path): not a scenario (.yaml, .yml, .json) or JSON Lines (.jsonl) file"
            }
        }
    }

    private enum Source {
        case file(String)
        case lines(String, LineReader)
    }

    private var pending: [String]
    private var current: Source?
    private var lineNumber = 0

    /// Checks every input now, so that a typo fails before any work.
    public init(_ inputs: [String]) throws {
        var expanded: [String] = []
        for input in inputs {
            if input == "-" {
                expanded.append(input)
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else { throw Failure.missing(input) }
            if isDirectory.boolValue {
                expanded += Self.scenarioFiles(in: input)
            } else if Self.isScenario(input) || input.lowercased().hasSuffix(".jsonl") {
                expanded.append(input)
            } else {
                throw Failure.unsupported(input)
            }
        }
        pending = expanded.reversed()
    }

    static func isScenario(_ path: String) -> Bool { ScenarioLoader.Format(path: path) != nil }

    static func scenarioFiles(in directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = (directory as NSString).appendingPathComponent(relative)
            if isScenario(path) || path.lowercased().hasSuffix(".jsonl") { files.append(path) }
        }
        return files.sorted()
    }

    /// The next scenario, or nil at the end.
    public func next() throws -> BatchItem? {
        while true {
            switch current {
            case .file(let path):
                current = nil
                return BatchItem(file: path, line: nil, text: nil)
            case .lines(let name, let reader):
                if let line = try reader.nextLine() {
                    lineNumber += 1
                    if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
                    return BatchItem(file: name, line: lineNumber, text: line)
                }
                current = nil
            case nil:
                guard let path = pending.popLast() else { return nil }
                lineNumber = 0
                if path == "-" {
                    current = .lines("-", LineReader(FileHandle.standardInput))
                } else if path.lowercased().hasSuffix(".jsonl") {
                    guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure.missing(path) }
                    current = .lines(path, LineReader(handle))
                } else {
                    current = .file(path)
                }
            }
        }
    }
}

/// Reads a file handle line by line in large blocks.
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(_ handle: FileHandle) { self.handle = handle }

    func nextLine() throws -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return String(decoding: buffer[start..<newline], as: UTF8.self)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return String(decoding: buffer[start...], as: UTF8.self)
            }
            // Keep the unread tail, then read another block.
            buffer.removeFirst(start)
            start = 0
            let block = try handle.read(upToCount: 1 << 20) ?? Data()
            if block.isEmpty { atEnd = true } else { buffer.append(contentsOf: block) }
        }
    }
}
