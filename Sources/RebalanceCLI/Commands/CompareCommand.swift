import ArgumentParser
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

    @Option(help: "Output format.")
    var format: Format = .table

    func analyse(_ prepared: PreparedScenario, planner: Planner) -> Comparison {
        prepared.compare(strategies, planner: planner)
    }

    func render(_ comparison: Comparison, _ prepared: PreparedScenario) -> Rendered {
        switch format {
        case .table: .text(CompareRenderer.table(comparison))
        case .json: .output(comparison.json.pretty())
        case .csv: .output(CSVRenderer.trades(comparison.reports, withStrategy: true))
        case .markdown: .text(CompareRenderer.markdown(comparison))
        case .html: .output(HTMLReport.compare(comparison))
        }
    }
}
