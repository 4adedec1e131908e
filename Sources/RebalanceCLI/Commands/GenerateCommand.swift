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

    @Option(help: "Symbols in each household's universe (with --profile direct-indexing: the stocks of its US slice, beside two funds).")
    var symbols: Int = 8

    @Option(
        help: ArgumentHelp(
            "What households to make: default (random households of every shape) or direct-indexing (stocks bought monthly for years in a taxable account, funds in an IRA and a Roth).",
            valueName: "profile"))
    var profile: Generator.Profile = .standard

    @Option(help: "Lots in each household (at most \(Self.maxLots), so that each household stays readable).")
    var lots: Int = 60

    @Option(help: "Write to this file (complete or not at all) instead of standard output.")
    var out: String?

    /// The most lots a household may have: each lot takes well under 120 bytes of JSON, so a
    /// household stays under the size limit of one scenario (a JSON Lines line).
    static let maxLots = 500_000

    func validate() throws {
        guard households >= 0 else { throw ValidationError("--households must be ≥ 0") }
        guard (1...100_000).contains(symbols) else { throw ValidationError("--symbols must be between 1 and 100,000") }
        guard (0...Self.maxLots).contains(lots) else {
            throw ValidationError(
                "--lots must be between 0 and \(Self.maxLots): a household with more would be over the \(BatchItem.maxBytes >> 20) MiB a scenario may take")
        }
    }

    func run() throws {
        let generator = Generator(symbols: symbols, lots: lots, seed: seed, profile: profile)
        let output: AtomicOutput?
        do {
            output = try out.map(AtomicOutput.init)
        } catch {
            Console.error(error.description)
            throw ExitCode.outputFailed
        }
        func write(_ text: String) throws(OutputFailure) {
            if let output { try output.write(text) } else { try writeAll(STDOUT_FILENO, text, target: "standard output") }
        }
        do {
            var buffer = ""
            for i in 0..<households {
                let line = generator.household(i).json.serialized()
                // The same limit the readers apply: never write what the tool would refuse.
                guard line.utf8.count <= BatchItem.maxBytes else {
                    throw GenerateFailure(
                        "household \(i + 1) would take \(line.utf8.count) bytes, over the \(BatchItem.maxBytes)-byte limit of one scenario; use fewer --lots")
                }
                buffer += line + "\n"
                if buffer.utf8.count > 1 << 20 {
                    try write(buffer)
                    buffer = ""
                }
            }
            try write(buffer)
            try output?.commit()
        } catch let error as OutputFailure {
            output?.abort()
            Console.error(error.description)
            throw ExitCode.outputFailed
        } catch let error as GenerateFailure {
            output?.abort()
            Console.error(error.message)
            throw ExitCode(2)
        }
    }
}

struct GenerateFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

extension Generator.Profile: ExpressibleByArgument {}
