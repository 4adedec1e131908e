#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Rebalancing

/// The scenarios named by a batch's inputs, in order: files as given, directories recursively
/// (`.yaml`, `.yml`, `.json`, `.jsonl`, sorted by path), JSON Lines files (`.jsonl`) line by
/// line, and `-` for JSON Lines on standard input. Only regular files are read: anything else
/// (a FIFO, a device, a socket), named or found in a directory, is refused by name before any
/// work. Lines are read as they are needed; a file's bytes only if it is in this run's shard.
final class BatchInput {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private enum Source {
        case file(String)
        case lines(String, LineReader, Int32)
    }

    private var pending: [String]
    private var current: Source?
    private let shard: (index: Int, count: Int)
    /// Index of the next scenario among all the inputs give (every shard's).
    private var index = 0

    /// Checks every input now, so that a typo or a FIFO fails before any work.
    init(_ inputs: [String], shard: (index: Int, count: Int) = (0, 1)) throws(Failure) {
        self.shard = shard
        var expanded: [String] = []
        for input in inputs {
            if input == "-" {
                expanded.append(input)
                continue
            }
            var info = stat()
            guard stat(input, &info) == 0 else { throw Failure("\(input): \(RegularFile.describe(errno: errno))") }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                expanded += try Self.scenarioFiles(in: input)
            } else if !Self.isInput(input) {
                throw Failure("\(input): not a scenario (.yaml, .yml, .json) or JSON Lines (.jsonl) file")
            } else if (info.st_mode & S_IFMT) != S_IFREG {
                throw Failure("\(input): \(RegularFile.notRegular(info.st_mode)); batch reads regular files, or - for standard input")
            } else {
                expanded.append(input)
            }
        }
        pending = expanded.reversed()
    }

    static func isInput(_ path: String) -> Bool {
        ScenarioLoader.Format(path: path) != nil || path.lowercased().hasSuffix(".jsonl")
    }

    /// The inputs in a directory, recursively, sorted by path; any that is not a regular file
    /// is refused.
    static func scenarioFiles(in directory: String) throws(Failure) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw Failure("\(directory): cannot list the directory")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = (directory as NSString).appendingPathComponent(relative)
            guard isInput(path) else { continue }
            var info = stat()
            guard stat(path, &info) == 0 else { throw Failure("\(path): \(RegularFile.describe(errno: errno))") }
            if (info.st_mode & S_IFMT) == S_IFDIR { continue }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw Failure("\(path): \(RegularFile.notRegular(info.st_mode)); batch reads regular files, or - for standard input")
            }
            files.append(path)
        }
        return files.sorted()
    }

    /// The next scenario of this shard, read, or nil at the end. An unreadable scenario file
    /// is an item carrying its error (the batch goes on); an unreadable JSON Lines input, or a
    /// line over the size limit, stops the batch.
    func next() throws(Failure) -> BatchItem? {
        while true {
            switch current {
            case .file(let path):
                current = nil
                guard mine() else { continue }
                do {
                    return BatchItem(file: path, line: nil, content: .success(try ScenarioLoader.read(path: path)))
                } catch {
                    return BatchItem(file: path, line: nil, content: .failure(error))
                }
            case .lines(let name, let reader, let fd):
                let line: ArraySlice<UInt8>?
                do {
                    line = try reader.nextLine()
                } catch let error as LineReader.TooLong {
                    throw Failure(
                        "\(name): line \(error.line) is longer than \(error.limit) bytes, the limit for one scenario; stopping")
                } catch {
                    throw Failure("\(name): cannot read: \((error as? RegularFile.Failure)?.reason ?? "\(error)")")
                }
                guard let line else {
                    if fd != STDIN_FILENO { close(fd) }
                    current = nil
                    continue
                }
                if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) {
                    continue
                }
                guard mine() else { continue }
                return BatchItem(file: name, line: reader.lineNumber, content: .success(Data(line)))
            case nil:
                guard let path = pending.popLast() else { return nil }
                if path == "-" {
                    current = .lines("-", LineReader(fd: STDIN_FILENO, limit: BatchItem.maxBytes), STDIN_FILENO)
                } else if path.lowercased().hasSuffix(".jsonl") {
                    let fd: Int32
                    do {
                        fd = try RegularFile.open(path)
                    } catch {
                        throw Failure(error.description)
                    }
                    current = .lines(path, LineReader(fd: fd, limit: BatchItem.maxBytes), fd)
                } else {
                    current = .file(path)
                }
            }
        }
    }

    /// Whether the scenario just found is in this shard (counting it either way).
    private func mine() -> Bool {
        defer { index += 1 }
        return index % shard.count == shard.index
    }
}
