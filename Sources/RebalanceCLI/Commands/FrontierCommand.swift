import ArgumentParser
import Rebalancing

/// `rebalance frontier FILE`: drift against this year's tax, from the least to a full rebalance's.
struct FrontierCommand: ScenarioCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontier",
        abstract: "The trade-off between tax and drift: tax-budget plans from the least tax this year up to the full rebalance's."
    )

    enum Format: String, FormatOption { case table, json, html }

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var solver: SolverOptionGroup

    @Option(help: "Number of budgets, at least 2.")
    var points: Int = 11

    @Option(help: "Output format.")
    var format: Format = .table

    @Option(help: "Threads planning the budgets side by side (default: the number of cores).")
    var jobs: Int = Workers.cores

    func validate() throws {
        guard (1...1024).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1024") }
        guard (2...1000).contains(points) else { throw ValidationError("--points must be between 2 and 1000") }
    }

    func analyse(_ prepared: PreparedScenario, planner: Planner) -> Frontier {
        prepared.frontier(points: points, planner: planner, jobs: jobs)
    }

    func render(_ frontier: Frontier, _ prepared: PreparedScenario) -> Rendered {
        switch format {
        case .json: .output(frontier.json.pretty())
        case .html: .output(HTMLReport.frontier(frontier))
        case .table: .text(FrontierRenderer.table(frontier))
        }
    }
}
