import Foundation

/// Where a batch writes its lines: standard output, or a file written line by line so that a
/// killed run leaves complete lines (a torn last line is cut off on `--resume`).
public final class BatchOutput {
    public enum Failure: Error, LocalizedError {
        case cannotOpen(String, String)
        case mismatch(String, Int, String)
        public var errorDescription: String? {
            switch self {
            case .cannotOpen(let path, let why): "\(path): cannot write: \(why)"
            case .mismatch(let path, let n, let what):
                "\(path): line \(n) is for \(what), not the scenario the inputs give there; "
                    + "resume with the same inputs, strategies and shard, or start a new file"
            }
        }
    }

    /// The `file`/`line` keys of the complete lines already in the file (on resume).
    public private(set) var existing: [(file: String, line: Int?)] = []
    private let handle: FileHandle
    private let path: String

    /// `path` nil writes to standard output. With `resume`, keeps the complete lines already
    /// there; without it, starts the file afresh.
    public init(path: String?, resume: Bool) throws {
        guard let path else {
            self.path = "-"
            handle = FileHandle.standardOutput
            return
        }
        self.path = path
        let manager = FileManager.default
        if !resume || !manager.fileExists(atPath: path) {
            guard manager.createFile(atPath: path, contents: nil) else {
                throw Failure.cannotOpen(path, "the file cannot be created")
            }
        }
        guard let handle = FileHandle(forUpdatingAtPath: path) else {
            throw Failure.cannotOpen(path, "the file cannot be opened")
        }
        self.handle = handle
        if resume {
            let data = try handle.readToEnd() ?? Data()
            // Keep everything up to the last newline: a torn last line is dropped.
            let keep = (data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? data.startIndex
            try handle.truncate(atOffset: UInt64(keep - data.startIndex))
            for line in data[data.startIndex..<keep].split(separator: UInt8(ascii: "\n")) {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                    let file = object["file"] as? String
                else { continue }
                existing.append((file, (object["line"] as? NSNumber)?.intValue))
            }
        }
        try handle.seekToEnd()
    }

    /// Checks that the `n`-th line kept (0-based) is for `item`.
    public func expect(_ n: Int, _ item: BatchItem) throws {
        let key = existing[n]
        guard key.file == item.file, key.line == item.line else {
            throw Failure.mismatch(path, n + 1, key.line.map { "\(key.file):\($0)" } ?? key.file)
        }
    }

    public func write(_ lines: [String]) throws {
        for line in lines { try handle.write(contentsOf: Data((line + "\n").utf8)) }
    }

    deinit {
        if path != "-" { try? handle.close() }
    }
}
