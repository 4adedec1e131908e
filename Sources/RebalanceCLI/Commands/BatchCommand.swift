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

    @Option(help: ArgumentHelp("Comma-separated strategies (default: each scenario's, else the compare default).", valueName: "S1,S2,..."))
    var strategies: String?

    @Option(help: "Write the lines to this file instead of standard output.")
    var out: String?

    @Option(help: "Worker threads (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Run shard K of N (K from 0 to N−1): every Nth scenario, starting with the Kth.", valueName: "K/N"))
    var shard: String?

    @Flag(help: "Keep the complete lines already in --out and do only the rest.")
    var resume = false

    @OptionGroup var solver: SolverOptionGroup

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one input") }
        guard (1...1024).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1024") }
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

    func run() throws {
        let started = Date()
        let strategyList = try strategies.map(parseStrategies)
        let input: BatchInput
        let output: BatchOutput
        do {
            input = try BatchInput(inputs)
            output = try BatchOutput(path: out, resume: resume)
        } catch {
            Console.error(error.localizedDescription)
            throw ExitCode(2)
        }
        let runner = BatchRunner(
            strategies: strategyList, jobs: jobs, shard: try parsedShard(), planner: solver.planner)
        let bar = isatty(STDERR_FILENO) == 1 ? ProgressBar(total: try countItems()) : nil
        let summary: BatchRunner.Summary
        do {
            summary = try runner.run(
                input, skip: output.existing.count, expected: { try output.expect($0, $1) },
                write: { try output.write($0) }, progress: { bar?.update(done: $0.processed + $0.skipped, failed: $0.failed) })
        } catch {
            bar?.finish()
            Console.error(error.localizedDescription)
            throw ExitCode(2)
        }
        bar?.finish()
        let seconds = Date().timeIntervalSince(started)
        let rate = seconds > 0 ? Double(summary.processed) / seconds : 0
        Console.error(
            "\(counted(summary.processed, "scenario")) in \(Money.fixed(seconds, places: 1)) s (\(Money.fixed(rate, places: 0))/s), "
                + "\(summary.failed) failed" + (summary.skipped > 0 ? ", \(summary.skipped) already done" : ""))
        if summary.failed > 0 { throw ExitCode(1) }
    }

    /// How many scenarios this shard has (for the progress bar); nil when reading standard input.
    func countItems() throws -> Int? {
        guard !inputs.contains("-") else { return nil }
        let all = try BatchInput(inputs)
        let (k, n) = try parsedShard()
        var count = 0, index = 0
        while try all.next() != nil {
            if index % n == k { count += 1 }
            index += 1
        }
        return count
    }
}
