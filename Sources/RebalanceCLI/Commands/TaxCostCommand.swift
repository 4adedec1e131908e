import ArgumentParser
import Rebalancing

/// `rebalance tax-cost FILE`: what a rebalance would cost in tax, lot by lot.
struct TaxCostCommand: ScenarioCommand {
    static let configuration = CommandConfiguration(
        commandName: "tax-cost",
        abstract: "Preview the tax of a rebalance: the lots sold, how they net this year, the incremental tax."
    )

    enum Format: String, FormatOption { case table, json }

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var solver: SolverOptionGroup

    @Option(help: ArgumentHelp("The strategy whose sales are costed: \(Strategy.helpSyntax) (default: full).", valueName: "strategy"), transform: Strategy.argument)
    var strategy: Strategy = .full

    @Option(help: "Output format.")
    var format: Format = .table

    func analyse(_ prepared: PreparedScenario, planner: Planner) -> TaxPreview {
        prepared.taxCost(strategy, planner: planner)
    }

    func render(_ preview: TaxPreview, _ prepared: PreparedScenario) -> Rendered {
        switch format {
        case .json: .output(preview.json.pretty())
        case .table: .text(TaxPreviewRenderer.table(preview))
        }
    }

    func failure(_ preview: TaxPreview) -> CLIError? { .unlessOptimal(preview.report) }
}
