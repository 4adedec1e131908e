import ArgumentParser
import Rebalancing

/// `rebalance tax-cost FILE`: what a rebalance would cost in tax, lot by lot.
struct TaxCostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tax-cost",
        abstract: "Preview the tax of a rebalance: the lots sold, how they net this year, the incremental tax."
    )

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var solver: SolverOptionGroup

    @Option(help: "The strategy whose sales are costed (default full).")
    var strategy: String = "full"

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        try OutputFormat.check(format, allowed: [.table, .json])
    }

    func run() throws {
        try reportingErrors {
            let strategy = try parseStrategy(strategy)
            let loaded = try scenario.load()
            let household = Household(loaded)
            let report = PlanReport(solver.planner.plan(household, strategy: strategy), household: household)
            let preview = TaxPreview(report, household: household, name: displayName(loaded, file: scenario.file))
            switch format {
            case .json: try Console.output(preview.json.pretty())
            default: try Console.text(TaxPreviewRenderer.table(preview))
            }
            if !report.status.isOptimal {
                throw CLIError.notOptimal(strategy: strategy.name, reason: report.status.description)
            }
        }
    }
}
