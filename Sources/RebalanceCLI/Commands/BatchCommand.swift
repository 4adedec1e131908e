import ArgumentParser
import Foundation
import Rebalancing

/// `rebalance batch INPUT...`: many households, one JSON line each, on every core.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Compare strategies for many scenarios: one JSON line each, in input order, on every core.",
        discussion: """
            INPUT: scenario files, directories (searched recursively for .yaml, .yml, .json and .jsonl), \
            JSON Lines files (.jsonl, one scenario per line), or - for JSON Lines on standard input.
            """
    )

    @Argument(help: "Scenario files, directories, .jsonl files, or - for standard input.")
    var inputs: [String]

    @Option(
        help: ArgumentHelp("Comma-separated strategies (default: each scenario's, else the compare default).", valueName: "S1,S2,..."),
        transform: Strategy.listArgument)
    var strategies: [Strategy]?

    @Option(help: "Write the lines to this file instead of standard output.")
    var out: String?

    @Option(help: "Worker threads (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Run shard K of N (K from 0 to N-1): every Nth scenario, starting with the Kth.", valueName: "K/N"))
    var shard: String?

    @Flag(help: "Continue the run that wrote --out: keep its complete lines and do only the rest (refused, appending nothing, if it is not the same run).")
    var resume = false

    @Option(name: .customLong("chunk-size"), help: .hidden)
    var chunkSize: Int = 256

    @OptionGroup var solver: SolverOptionGroup

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one input") }
        guard (1...1024).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1024") }
        guard (1...1_000_000).contains(chunkSize) else { throw ValidationError("--chunk-size must be between 1 and 1,000,000") }
        _ = try parsedShard()
        if resume && out == nil { throw ValidationError("--resume needs --out") }
    }

    func parsedShard() throws -> (index: Int, count: Int) {
        guard let shard else { return (0, 1) }
        let parts = shard.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(k) else {
            throw ValidationError("--shard takes K/N with 0 ≤ K < N, as 0/4 … 3/4")
        }
        return (k, n)
    }

    /// Exit codes: 0 every scenario got an optimal plan from every strategy; 1 some scenario
    /// failed or has a plan that is not optimal (each named in the summary); 2 bad input or a
    /// refused resume (nothing appended); 74 the output could not be written.
    func run() throws {
        let started = Date()
        let shard = try parsedShard()
        let input: BatchInput
        let output: BatchOutput
        do {
            input = try BatchInput(inputs, shard: shard)
            let identity = BatchOutput.Identity(
                strategies: strategies.map { $0.map(\.name).joined(separator: ",") }, shard: "\(shard.index)/\(shard.count)",
                timeLimit: solver.timeLimit.map { "\($0)" })
            output = try BatchOutput(path: out, resume: resume, identity: identity)
        } catch let error as OutputFailure {
            Console.error(error.description)
            throw ExitCode.outputFailed
        } catch {
            Console.error("\(error)")
            throw ExitCode(2)
        }
        let runner = BatchRunner(strategies: strategies, jobs: jobs, planner: solver.planner, chunkSize: chunkSize)
        let bar = isatty(STDERR_FILENO) == 1 ? ProgressBar(total: try? countItems()) : nil
        let skip = output.alreadyDone
        var summary = BatchRunner.Summary()
        do {
            // The scenarios behind the lines already there must be the ones this run gives.
            var given = 0
            while given < skip, let item = try input.next() {
                try output.expect(given, item)
                given += 1
            }
            try output.inputsEnded(after: given)
            // Fingerprints of the scenarios handed to the runner, in order, for the run record.
            var fingerprints: [UInt64] = []
            var written = 0
            summary = try runner.run(
                next: {
                    guard let item = try input.next() else { return nil }
                    fingerprints.append(Fingerprint.of(item))
                    return item
                },
                write: { results in
                    try output.write(results.enumerated().map { (fingerprints[written + $0.offset], $0.element.line) })
                    written += results.count
                },
                progress: { bar?.update(done: $0.processed + skip, failed: $0.failed + $0.notOptimal) })
            try output.finish()
        } catch {
            bar?.finish()
            if let error = error as? OutputFailure {
                Console.error(error.description)
                throw ExitCode.outputFailed
            }
            Console.error("\(error)")
            throw ExitCode(2)
        }
        bar?.finish()
        let seconds = Date().timeIntervalSince(started)
        let rate = seconds > 0 ? Double(summary.processed) / seconds : 0
        Console.error(
            "\(counted(summary.processed, "scenario")) in \(Money.fixed(seconds, places: 1)) s (\(Money.fixed(rate, places: 0))/s), "
                + "\(summary.failed) failed, \(summary.notOptimal) not optimal"
                + (skip > 0 ? ", \(skip) already done" : ""))
        for (source, outcome) in summary.named {
            switch outcome {
            case .optimal: break
            case .failed(let why): Console.error("  failed: \(source): \(why.replacingOccurrences(of: "\n", with: "; "))")
            case .notOptimal(let why): Console.error("  not optimal: \(source): \(why)")
            }
        }
        let unnamed = summary.failed + summary.notOptimal - summary.named.count
        if unnamed > 0 { Console.error("  … and \(unnamed) more (the lines say why)") }
        if !summary.allOptimal { throw ExitCode(1) }
    }

    /// How many scenarios this shard has (for the progress bar); nil when reading standard input.
    func countItems() throws -> Int? {
        guard !inputs.contains("-") else { return nil }
        let all = try BatchInput(inputs, shard: try parsedShard())
        var count = 0
        while try all.next() != nil { count += 1 }
        return count
    }
}
