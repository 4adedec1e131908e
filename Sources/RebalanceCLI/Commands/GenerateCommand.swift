import ArgumentParser
import Foundation
import Rebalancing

/// `rebalance generate`: synthetic households as JSON Lines.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic households (JSON Lines) for stress tests and benchmarks; the same seed gives the same file."
    )

    @Option(help: "How many households.")
    var households: Int

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Symbols in each household's universe.")
    var symbols: Int = 8

    @Option(help: "Lots in each household.")
    var lots: Int = 60

    @Option(help: "Write to this file (replaced whole when done) instead of standard output.")
    var out: String?

    func validate() throws {
        guard households >= 0 else { throw ValidationError("--households must be ≥ 0") }
        guard (1...100_000).contains(symbols) else { throw ValidationError("--symbols must be between 1 and 100,000") }
        guard (0...10_000_000).contains(lots) else { throw ValidationError("--lots must be between 0 and 10,000,000") }
    }

    func run() throws {
        let generator = Generator(symbols: symbols, lots: lots, seed: seed)
        let target: FileHandle
        var temporary: String?
        if let out {
            // Write beside the target and rename when complete: never a partial file.
            let path = out + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path)
            else {
                Console.error("\(out): cannot write")
                throw ExitCode(2)
            }
            target = handle
            temporary = path
        } else {
            target = FileHandle.standardOutput
        }
        var buffer = ""
        for i in 0..<households {
            buffer += generator.household(i).json.serialized() + "\n"
            if buffer.utf8.count > 1 << 20 {
                target.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        target.write(Data(buffer.utf8))
        if let temporary, let out {
            try target.close()
            _ = try? FileManager.default.removeItem(atPath: out)
            try FileManager.default.moveItem(atPath: temporary, toPath: out)
        }
    }
}
