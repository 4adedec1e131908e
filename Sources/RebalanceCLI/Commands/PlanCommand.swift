import ArgumentParser
import Rebalancing

/// `rebalance plan FILE`: one strategy's trades and what they cost.
struct PlanCommand: ScenarioCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan the trades of one strategy."
    )

    enum Format: String, FormatOption { case table, json, csv, orders, lots }

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var solver: SolverOptionGroup

    @Option(help: ArgumentHelp("\(Strategy.helpSyntax) (default: \(Strategy.defaultForPlan.name)).", valueName: "strategy"), transform: Strategy.argument)
    var strategy: Strategy = Strategy.defaultForPlan

    @Option(help: "Output format (orders: one row per order for a broker; lots: the lots each sale sells).")
    var format: Format = .table

    func analyse(_ prepared: PreparedScenario, planner: Planner) -> PlanReport {
        prepared.plan(strategy, planner: planner)
    }

    func render(_ report: PlanReport, _ prepared: PreparedScenario) -> Rendered {
        switch format {
        case .json: .output(report.json(withAssumptions: true).pretty())
        case .csv: .output(CSVRenderer.trades([report], withStrategy: false))
        case .orders: .output(OrderCSV.orders(report))
        case .lots: .output(OrderCSV.lots(report))
        case .table: .text(TableRenderer.plan(report, household: prepared.household))
        }
    }

    func failure(_ report: PlanReport) -> CLIError? { .unlessOptimal(report) }
}
