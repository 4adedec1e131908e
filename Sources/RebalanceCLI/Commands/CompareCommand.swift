import ArgumentParser
import Foundation
import Rebalancing

/// `rebalance compare FILE`: several strategies side by side.
struct CompareCommand: ScenarioCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare strategies and baselines: which rebalance is worth its tax?"
    )

    enum Format: String, FormatOption { case table, json, csv, markdown, html }

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var solver: SolverOptionGroup

    @Option(
        help: ArgumentHelp(
            "Comma-separated strategies (default: the scenario's strategies, else cash-only,band:5,tax-aware:0.10,full).",
            valueName: "S1,S2,..."),
        transform: Strategy.listArgument)
    var strategies: [Strategy]?

    @Option(help: "Output format (csv: one row per strategy with its figures).")
    var format: Format = .table

    @Option(
        help: ArgumentHelp(
            "With --format csv, also write every strategy's trades, one row per trade with its strategy, to this file.",
            valueName: "file"))
    var trades: String?

    @Option(help: "Threads planning the strategies side by side (default: the number of cores).")
    var jobs: Int = Workers.cores

    func validate() throws {
        guard (1...1024).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1024") }
        guard let trades else { return }
        guard format == .csv else { throw ValidationError("--trades goes with --format csv") }
        // Never write over the scenario being read.
        var a = stat(), b = stat()
        if stat(trades, &a) == 0, stat(scenario.file, &b) == 0, a.st_dev == b.st_dev, a.st_ino == b.st_ino {
            throw ValidationError("--trades \(trades) is the scenario file; name another file")
        }
    }

    func analyse(_ prepared: PreparedScenario, planner: Planner) -> Comparison {
        prepared.compare(strategies, planner: planner, jobs: jobs)
    }

    func render(_ comparison: Comparison, _ prepared: PreparedScenario) -> Rendered {
        switch format {
        case .table: .text(CompareRenderer.table(comparison))
        case .json: .output(comparison.json.pretty())
        case .csv: .output(CSVRenderer.comparison(comparison))
        case .markdown: .text(CompareRenderer.markdown(comparison))
        case .html: .output(HTMLReport.compare(comparison))
        }
    }

    func files(_ comparison: Comparison) -> [(path: String, text: String)] {
        guard let trades else { return [] }
        return [(trades, CSVRenderer.trades(comparison.reports, withStrategy: true) + "\n")]
    }
}
