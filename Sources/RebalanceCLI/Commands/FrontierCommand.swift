import ArgumentParser
import Rebalancing

/// `rebalance frontier FILE`: drift against this year's tax, from the least to a full rebalance's.
struct FrontierCommand: ScenarioCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontier",
        abstract: "The tax–drift trade-off: tax-budget plans from the least tax this year up to the full rebalance's."
    )

    enum Format: String, FormatOption { case table, json, html }

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var solver: SolverOptionGroup

    @Option(help: "Number of budgets, at least 2.")
    var points: Int = 11

    @Option(help: "Output format.")
    var format: Format = .table

    func validate() throws {
        guard (2...1000).contains(points) else { throw ValidationError("--points must be between 2 and 1000") }
    }

    func analyse(_ prepared: PreparedScenario, planner: Planner) -> Frontier {
        prepared.frontier(points: points, planner: planner)
    }

    func render(_ frontier: Frontier, _ prepared: PreparedScenario) -> Rendered {
        switch format {
        case .json: .output(frontier.json.pretty())
        case .html: .output(HTMLReport.frontier(frontier))
        case .table: .text(Self.table(frontier))
        }
    }

    static func table(_ frontier: Frontier) -> String {
        let title = "\(frontier.name) — tax against drift (drift before: \(Money.percent(frontier.full.summary.driftBefore)))"
        let assumptions = Assumptions(frontier.household.scenario.tax)
        let assumptionLines = ["", assumptions.taxSentence] + TableRenderer.assumptionsBlock(assumptions)
        if frontier.isFlat, let first = frontier.points.first, let last = frontier.points.last {
            let s = first.report.summary
            return ([
                title, "",
                "No trade-off: every tax budget from \(Money.format(first.taxBudget)) to \(Money.format(last.taxBudget)) "
                    + "gives the same plan (tax this year \(Money.format(s.estimatedTax)), lot tax \(Money.format(s.lotTax)), "
                    + "drift after \(Money.percent(s.driftAfter)), turnover \(Money.format(s.turnover))).",
            ] + assumptionLines).joined(separator: "\n")
        }
        var rows = [["Tax budget", "Est. tax", "Lot tax", "Drift after", "Turnover"]]
        for point in frontier.points {
            let r = point.report
            guard r.plan.hasTrades else {
                rows.append([Money.format(point.taxBudget), r.status.name, "", "", ""])
                continue
            }
            rows.append([
                Money.format(point.taxBudget), Money.format(r.summary.estimatedTax), Money.format(r.summary.lotTax),
                Money.percent(r.summary.driftAfter), Money.format(r.summary.turnover),
            ])
        }
        let aligned = TableRenderer.align(rows, rightAligned: [0, 1, 2, 3, 4])
        return ([title, ""] + [aligned[0], String(repeating: "─", count: aligned[0].count)] + aligned.dropFirst()
            + assumptionLines)
            .joined(separator: "\n")
    }
}
