import ArgumentParser
import Rebalancing

/// `rebalance plan FILE`: one strategy's trades and what they cost.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan the trades of one strategy."
    )

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var solver: SolverOptionGroup

    @Option(help: ArgumentHelp("\(Strategy.syntax)."))
    var strategy: String = Strategy.defaultForPlan.name

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    func validate() throws {
        try OutputFormat.check(format, allowed: [.table, .json, .csv])
    }

    func run() throws {
        try reportingErrors {
            let strategy = try parseStrategy(strategy)
            let loaded = try scenario.load()
            let household = Household(loaded)
            let plan = solver.planner.plan(household, strategy: strategy)
            let report = PlanReport(plan, household: household)
            switch format {
            case .json: try Console.output(report.json(withAssumptions: true).pretty())
            case .csv: try Console.output(CSVRenderer.trades([report], withStrategy: false))
            case .table, .markdown, .html: try Console.text(TableRenderer.plan(report, household: household))
            }
            if !plan.status.isOptimal {
                throw CLIError.notOptimal(strategy: strategy.name, reason: plan.status.description)
            }
        }
    }
}
