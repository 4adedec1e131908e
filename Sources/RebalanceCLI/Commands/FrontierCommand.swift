import ArgumentParser
import Rebalancing

/// `rebalance frontier FILE`: drift against tax, from no tax to a full rebalance.
struct FrontierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontier",
        abstract: "The tax–drift trade-off: tax-budget plans from $0 up to the full rebalance's tax."
    )

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var solver: SolverOptionGroup

    @Option(help: "Number of budgets, at least 2.")
    var points: Int = 11

    @Option(help: "table, json or html.")
    var format: OutputFormat = .table

    func validate() throws {
        try OutputFormat.check(format, allowed: [.table, .json, .html])
        guard (2...1000).contains(points) else { throw ValidationError("--points must be between 2 and 1000") }
    }

    func run() throws {
        try reportingErrors {
            let loaded = try scenario.load()
            let frontier = Frontier(
                Household(loaded), name: displayName(loaded, file: scenario.file), points: points,
                planner: solver.planner)
            switch format {
            case .json: Console.output(frontier.json.pretty())
            case .html: Console.output(HTMLReport.frontier(frontier))
            default: Console.output(Self.table(frontier))
            }
        }
    }

    static func table(_ frontier: Frontier) -> String {
        var rows = [["Tax budget", "Lot tax", "Est. tax", "Drift after", "Turnover"]]
        for point in frontier.points {
            let r = point.report
            guard r.plan.hasTrades else {
                rows.append([Money.format(point.taxBudget), r.status.name, "", "", ""])
                continue
            }
            rows.append([
                Money.format(point.taxBudget), Money.format(r.summary.lotTax), Money.format(r.summary.estimatedTax),
                Money.percent(r.summary.driftAfter), Money.format(r.summary.turnover),
            ])
        }
        let aligned = TableRenderer.align(rows, rightAligned: [0, 1, 2, 3, 4])
        let assumptions = Assumptions(frontier.household.scenario.tax)
        return (["\(frontier.name) — tax against drift (drift before: \(Money.percent(frontier.full.summary.driftBefore)))", ""]
            + [aligned[0], String(repeating: "─", count: aligned[0].count)] + aligned.dropFirst()
            + ["", assumptions.taxSentence] + TableRenderer.assumptionsBlock(assumptions))
            .joined(separator: "\n")
    }
}
