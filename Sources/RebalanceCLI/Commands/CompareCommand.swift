import ArgumentParser
import Rebalancing

/// `rebalance compare FILE`: several strategies side by side.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare strategies and baselines: which rebalance is worth its tax?"
    )

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var solver: SolverOptionGroup

    @Option(
        help: ArgumentHelp(
            "Comma-separated strategies (default: the scenario's strategies, else cash-only,band:5,tax-aware:0.10,full).",
            valueName: "S1,S2,..."))
    var strategies: String?

    @Option(help: "table, json, csv, markdown or html.")
    var format: OutputFormat = .table

    func validate() throws {
        try OutputFormat.check(format, allowed: [.table, .json, .csv, .markdown, .html])
    }

    func run() throws {
        try reportingErrors {
            let requested = try strategies.map(parseStrategies)
            let loaded = try scenario.load()
            let household = Household(loaded)
            let comparison = Comparison(
                household, name: displayName(loaded, file: scenario.file),
                strategies: requested ?? loaded.strategies ?? Strategy.defaultForCompare,
                planner: solver.planner)
            switch format {
            case .table: try Console.text(CompareRenderer.table(comparison))
            case .json: try Console.output(comparison.json.pretty())
            case .csv: try Console.output(CSVRenderer.trades(comparison.reports, withStrategy: true))
            case .markdown: try Console.text(CompareRenderer.markdown(comparison))
            case .html: try Console.output(HTMLReport.compare(comparison))
            }
        }
    }
}

func parseStrategies(_ list: String) throws -> [Strategy] {
    // Strategy(parsing:) trims spaces itself; blank entries are dropped.
    let names = list.split(separator: ",").map(String.init).filter { !$0.allSatisfy { $0 == " " } }
    guard !names.isEmpty else { throw ValidationError("--strategies needs at least one strategy") }
    return try names.map(parseStrategy)
}
